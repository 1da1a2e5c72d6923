package io.forkpool.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.Priority;
import io.forkpool.dispatch.ShardTask;
import io.forkpool.dispatch.ShardTransport;
import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
import io.forkpool.tenant.Tenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every backend's {@link JobStore} and {@link ShardTransport} must do, together: the store
 * records and lists jobs, the transport hands out their shards, answers merge exactly once per
 * shard. {@code InMemoryJobStoreTest} runs it on the embedded backend, {@code RedisJobStoreTest}
 * on a real Redis.
 */
public abstract class JobStoreContract {

    static final int MANY = 1000;
    private final ExecutorService taker = Executors.newSingleThreadExecutor();

    /** A fresh, empty store; its shards go to {@link #shards()}. */
    protected abstract JobStore store();

    protected abstract ShardTransport shards();

    @AfterEach
    void stopTaker() {
        taker.shutdownNow();
    }

    protected static JobRequest pi(long seed) {
        return TestJobs.pi(3_000_000L, seed);
    }

    @Test
    public void submittedJobsAreFoundAndListedNewestFirst() {
        var store = store();
        var dice = TestJobs.dice(2_000_000L, 6, 1L);
        var first = store.submit(id(), pi(1), null, MANY);
        var second = store.submit(id(), dice, 30, MANY);

        var found = store.find(first.id()).orElseThrow();
        assertThat(found.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(found.request()).isEqualTo(pi(1));
        assertThat(found.shardsTotal()).isEqualTo(pi(1).shardCount());
        assertThat(found.shardsDone()).isZero();
        assertThat(found.timeoutSeconds()).isNull();
        assertThat(store.find(second.id()).orElseThrow().timeoutSeconds()).isEqualTo(30);
        assertThat(store.find("no-such-job")).isEmpty();
        assertThat(store.active()).isEqualTo(2);

        assertThat(ids(store.page(null, null, 0, 10))).containsExactly(second.id(), first.id());
        assertThat(store.page(null, null, 0, 10).total()).isEqualTo(2);
        assertThat(ids(store.page(null, null, 1, 1))).containsExactly(first.id());
        assertThat(ids(store.page(JobStatus.QUEUED, "dice", 0, 10))).containsExactly(second.id());
        assertThat(ids(store.page(JobStatus.SUCCEEDED, null, 0, 10))).isEmpty();
    }

    @Test
    public void aJobsWebhookIsKeptWithIt() {
        var store = store();
        var notified = store.submit(id(), pi(2), null, "https://hooks.example.com/a", MANY, null);
        var silent = store.submit(id(), pi(3), null, MANY);
        assertThat(notified.notifyUrl()).isEqualTo("https://hooks.example.com/a");
        assertThat(store.find(notified.id()).orElseThrow().notifyUrl()).isEqualTo("https://hooks.example.com/a");
        assertThat(store.find(silent.id()).orElseThrow().notifyUrl()).isNull();
    }

    @Test
    public void everyKindMergesEachShardOnceToTheKernelsResult() throws Exception {
        var store = store();
        var requests = List.<JobRequest>of(
                pi(2),
                TestJobs.dice(3_000_000L, 6, 3L),
                TestJobs.projectile(2_000_000L, null, null, null, null, null, null, 4L),
                TestJobs.sine(30.0, 100),
                TestJobs.smallestMultiple(2_000_000L, 7L, null, null, 5L));
        var heard = new ArrayList<Job.Snapshot>();
        store.listen(heard::add);
        var alsoHeard = new ArrayList<Job.Snapshot>(); // a second listener (tracing beside the metrics)
        store.listen(alsoHeard::add);
        var ids = new ArrayList<String>();
        int shards = 0;
        for (var request : requests) {
            ids.add(store.submit(id(), request, null, MANY).id());
            shards += request.shardCount();
        }
        for (int i = 0; i < shards; i++) {
            ShardTask task = take();
            task.sink().dispatched();
            byte[] partial = task.sink().request().computeEncoded(task.shard());
            task.sink().shardDone(task.shard(), partial, 1000);
            if (i == 0) {
                task.sink().shardDone(task.shard(), partial, 1000); // delivered twice: counted once
            }
        }
        for (int k = 0; k < requests.size(); k++) {
            var request = requests.get(k);
            var job = store.await(ids.get(k), Duration.ofSeconds(10)).orElseThrow();
            assertThat(job.status()).as(request.type()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(job.shardsDone()).as(request.type()).isEqualTo(request.shardCount());
            assertThat(job.computeNanos()).isEqualTo(1000L * request.shardCount());
            assertThat(job.startedAt()).isNotNull();
            assertThat(job.finishedAt()).isAfterOrEqualTo(job.startedAt());
            assertThat(job.result())
                    .as(request.type())
                    .usingRecursiveComparison()
                    .isEqualTo(request.finish(local(request)));
        }
        assertThat(store.active()).isZero();
        assertThat(heard).filteredOn(s -> s.status() == JobStatus.SUCCEEDED).hasSize(requests.size());
        assertThat(heard).filteredOn(s -> s.status() == JobStatus.RUNNING).hasSize(requests.size());
        assertThat(alsoHeard).as("the second listener hears the same").isEqualTo(heard);
        assertThat(ids(store.page(JobStatus.SUCCEEDED, null, 0, 10))).hasSize(requests.size());
    }

    @Test
    public void cancelledJobEndsOnceAndLateAnswersAreIgnored() throws Exception {
        var store = store();
        var job = store.submit(id(), pi(3), null, MANY);
        ShardTask task = take();
        assertThat(task.sink().isFinished()).isFalse();
        var cancelled = store.cancel(job.id()).orElseThrow();
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(cancelled.error()).isEqualTo("cancelled by request");
        assertThat(task.sink().isFinished()).as("replicas see the cancel").isTrue();
        task.sink().shardDone(task.shard(), task.sink().request().computeEncoded(task.shard()), 1);
        assertThat(store.find(job.id()).orElseThrow().shardsDone()).isZero();
        assertThat(store.fail(job.id(), "too late")).isFalse();
        assertThat(store.cancel(job.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(store.cancel("no-such-job")).isEmpty();
        assertThat(store.active()).isZero();
    }

    @Test
    public void failedJobKeepsItsReason() {
        var store = store();
        var job = store.submit(id(), pi(4), null, MANY);
        assertThat(store.fail(job.id(), "timed out after 1 s")).isTrue();
        assertThat(store.fail(job.id(), "again")).isFalse();
        var failed = store.find(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo("timed out after 1 s");
        assertThat(failed.finishedAt()).isNotNull();
    }

    @Test
    public void refusesJobsPastTheLimitUntilOneEnds() {
        var store = store();
        var first = store.submit(id(), pi(5), null, 1);
        assertThatThrownBy(() -> store.submit(id(), pi(6), null, 1))
                .isInstanceOfSatisfying(
                        JobRejectedException.Full.class,
                        e -> assertThat(e.reason()).isEqualTo("queue_full"));
        store.cancel(first.id());
        assertThat(store.submit(id(), pi(6), null, 1).status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    public void aRetriedShardComesBackBeforeFreshOnes() throws Exception {
        var store = store();
        store.submit(id(), pi(7), null, MANY);
        ShardTask first = take();
        shards().retry(new ShardTask(first.sink(), first.shard(), first.attempt() + 1));
        ShardTask again = take();
        assertThat(again.shard()).isEqualTo(first.shard());
        assertThat(again.attempt()).isEqualTo(1);
    }

    @Test
    public void awaitReturnsTheJobAsItIsWhenItDoesNotEndInTime() throws Exception {
        var store = store();
        var job = store.submit(id(), pi(8), null, MANY);
        long start = System.nanoTime();
        assertThat(store.await(job.id(), Duration.ofMillis(300)).orElseThrow().status())
                .isEqualTo(JobStatus.QUEUED);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(store.await("no-such-job", Duration.ofMillis(10))).isEmpty();
    }

    @Test
    public void aBatchIsAdmittedWholeAndListedByItsId() {
        var store = store();
        var single = store.submit(id(), pi(20), null, MANY);
        var batch = new JobStore.Batch(id(), 3, java.time.Instant.now());
        var jobs = List.of(
                new JobStore.Submission(id(), pi(21), null, null),
                new JobStore.Submission(id(), TestJobs.dice(2_000_000L, 6, 22L), 30, null),
                new JobStore.Submission(id(), pi(23), null, null));
        assertThat(store.submitBatch(batch, jobs, MANY, null).id()).isEqualTo(batch.id());

        assertThat(store.batch(batch.id()))
                .hasValueSatisfying(b -> assertThat(b.size()).isEqualTo(3));
        assertThat(store.batch("no-such-batch")).isEmpty();
        assertThat(store.active()).isEqualTo(4);
        var listed = store.page(null, null, batch.id(), 0, 10);
        assertThat(ids(listed))
                .containsExactly(jobs.get(2).id(), jobs.get(1).id(), jobs.get(0).id());
        assertThat(listed.total()).isEqualTo(3);
        assertThat(listed.jobs()).allSatisfy(j -> assertThat(j.batch()).isEqualTo(batch.id()));
        assertThat(ids(store.page(null, "dice", batch.id(), 0, 10)))
                .containsExactly(jobs.get(1).id());
        assertThat(store.find(jobs.get(1).id()).orElseThrow().batch()).isEqualTo(batch.id());
        assertThat(store.find(single.id()).orElseThrow().batch()).isNull();
        assertThat(ids(store.page(null, null, 0, 10))).hasSize(4);
    }

    @Test
    public void aBatchThatDoesNotFitIsRefusedWhole() {
        var store = store();
        store.submit(id(), pi(30), null, 3);
        var batch = new JobStore.Batch(id(), 3, java.time.Instant.now());
        var jobs = List.of(
                new JobStore.Submission(id(), pi(31), null, null),
                new JobStore.Submission(id(), pi(32), null, null),
                new JobStore.Submission(id(), pi(33), null, null));
        assertThatThrownBy(() -> store.submitBatch(batch, jobs, 3, null))
                .isInstanceOfSatisfying(
                        JobRejectedException.Full.class,
                        e -> assertThat(e.reason()).isEqualTo("queue_full"));
        assertThat(store.active()).isEqualTo(1);
        assertThat(store.batch(batch.id())).isEmpty();
        assertThat(store.page(null, null, batch.id(), 0, 10).total()).isZero();
        jobs.forEach(j -> assertThat(store.find(j.id())).isEmpty());
    }

    @Test
    public void aBatchKeyNamesOneBatchForOneBodyAndRefusesAnother() {
        var store = store();
        var key = new JobStore.Keyed("batch-key", "bodies-a");
        var first = new JobStore.Batch(id(), 1, java.time.Instant.now());
        store.submitBatch(first, List.of(new JobStore.Submission(id(), pi(40), null, null)), MANY, key);
        var again = store.submitBatch(
                new JobStore.Batch(id(), 1, java.time.Instant.now()),
                List.of(new JobStore.Submission(id(), pi(40), null, null)),
                MANY,
                key);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(store.active()).isEqualTo(1);
        assertThatThrownBy(() -> store.submitBatch(
                        new JobStore.Batch(id(), 1, java.time.Instant.now()),
                        List.of(new JobStore.Submission(id(), pi(41), null, null)),
                        MANY,
                        new JobStore.Keyed("batch-key", "bodies-b")))
                .isInstanceOf(JobRejectedException.KeyReused.class);
    }

    @Test
    public void anIdempotencyKeyNamesOneJobForOneBodyAndRefusesAnother() {
        var store = store();
        var first = store.submit(id(), pi(9), null, MANY, new JobStore.Keyed("key-1", "body-a"));
        var again = store.submit(id(), pi(9), null, MANY, new JobStore.Keyed("key-1", "body-a"));
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(store.active()).isEqualTo(1);
        assertThatThrownBy(() -> store.submit(id(), pi(10), null, MANY, new JobStore.Keyed("key-1", "body-b")))
                .isInstanceOf(JobRejectedException.KeyReused.class);
        store.cancel(first.id());
        assertThat(store.submit(id(), pi(9), null, MANY, new JobStore.Keyed("key-1", "body-a"))
                        .id())
                .as("an ended job keeps its key while it is kept")
                .isEqualTo(first.id());
        var other = store.submit(id(), pi(9), null, MANY, new JobStore.Keyed("key-2", "body-a"));
        assertThat(other.id()).isNotEqualTo(first.id());
    }

    @Test
    public void concurrentSubmissionsWithOneKeyMakeOneJob() throws Exception {
        var store = store();
        var pool = Executors.newFixedThreadPool(8);
        try {
            var answers = new ArrayList<java.util.concurrent.Future<Job.Snapshot>>();
            var start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return store.submit(id(), pi(11), null, MANY, new JobStore.Keyed("one-key", "one-body"));
                }));
            }
            start.countDown();
            var ids = new java.util.HashSet<String>();
            for (var answer : answers) {
                ids.add(answer.get(10, TimeUnit.SECONDS).id());
            }
            assertThat(ids).hasSize(1);
            assertThat(store.active()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aJobPastItsDeadlineFailsAsTimedOut() throws Exception {
        var store = store();
        var job = store.submit(id(), pi(12), 1, MANY);
        var ended = store.await(job.id(), Duration.ofSeconds(10)).orElseThrow();
        assertThat(ended.status()).isEqualTo(JobStatus.FAILED);
        assertThat(ended.error()).isEqualTo("timed out after 1 s");
        assertThat(Duration.between(ended.submittedAt(), ended.finishedAt()))
                .isBetween(Duration.ofMillis(990), Duration.ofMillis(2500));
        assertThat(store.active()).isZero();
    }

    private static final Tenant ALICE = new Tenant("alice", 2, 0, 0, false);
    private static final Tenant BOB = new Tenant("bob", 1, 0, 0, false);

    private static JobStore.Submission job(JobRequest request, Priority priority) {
        return new JobStore.Submission(id(), request, null, null, priority);
    }

    @Test
    public void aJobKeepsItsTenantAndPriorityAndListsSplitByTenant() {
        var store = store();
        var alices = store.submit(job(pi(20), Priority.HIGH), MANY, null, ALICE);
        var bobs = store.submit(job(pi(21), null), MANY, null, BOB);
        var anyones = store.submit(id(), pi(22), null, MANY);

        var found = store.find(alices.id()).orElseThrow();
        assertThat(found.tenant()).isEqualTo("alice");
        assertThat(found.priority()).isEqualTo(Priority.HIGH);
        assertThat(store.find(bobs.id()).orElseThrow().priority()).isEqualTo(Priority.NORMAL);
        assertThat(store.find(anyones.id()).orElseThrow().tenant()).isEqualTo(Tenant.DEFAULT_NAME);

        assertThat(ids(store.page(null, null, null, "alice", 0, 10))).containsExactly(alices.id());
        assertThat(store.page(null, null, null, "alice", 0, 10).total()).isEqualTo(1);
        assertThat(ids(store.page(JobStatus.QUEUED, "pi", null, "bob", 0, 10))).containsExactly(bobs.id());
        assertThat(ids(store.page(null, null, null, Tenant.DEFAULT_NAME, 0, 10)))
                .containsExactly(anyones.id());
        assertThat(ids(store.page(null, null, null, "carol", 0, 10))).isEmpty();
        assertThat(ids(store.page(null, null, null, null, 0, 10)))
                .containsExactly(anyones.id(), bobs.id(), alices.id());
    }

    @Test
    public void aTenantPastItsMaxJobsIsRefusedUntilOneEnds() {
        var store = store();
        var capped = new Tenant("capped", 1, 2, 0, false);
        var first = store.submit(job(pi(23), null), MANY, null, capped);
        store.submit(job(pi(24), null), MANY, null, capped);
        assertThatThrownBy(() -> store.submit(job(pi(25), null), MANY, null, capped))
                .isInstanceOfSatisfying(JobRejectedException.OverQuota.class, e -> {
                    assertThat(e.quota()).isEqualTo("max-jobs");
                    assertThat(e.limit()).isEqualTo(2);
                });
        assertThat(store.submit(job(pi(26), null), MANY, null, BOB).tenant())
                .as("another tenant is not held by capped's quota")
                .isEqualTo("bob");
        assertThat(store.active()).isEqualTo(3);
        store.cancel(first.id());
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(store.active()).isEqualTo(2));
        assertThat(store.submit(job(pi(27), null), MANY, null, capped).tenant()).isEqualTo("capped");
    }

    @Test
    public void aTenantPastItsRunningSamplesIsRefusedAndABatchCountsWhole() {
        var store = store();
        long units = pi(28).units();
        var capped = new Tenant("samples", 1, 0, 2 * units, false);
        store.submit(job(pi(28), null), MANY, null, capped);
        var batch = new JobStore.Batch(id(), 2, java.time.Instant.now());
        assertThatThrownBy(() ->
                        store.submitBatch(batch, List.of(job(pi(29), null), job(pi(30), null)), MANY, null, capped))
                .isInstanceOfSatisfying(JobRejectedException.OverQuota.class, e -> {
                    assertThat(e.quota()).isEqualTo("max-running-samples");
                    assertThat(e.limit()).isEqualTo(2 * units);
                });
        assertThat(store.active()).as("the refused batch admitted nothing").isEqualTo(1);
        assertThat(store.submit(job(pi(31), null), MANY, null, capped).tenant()).isEqualTo("samples");
    }

    /**
     * The prefix rule: a job with a target ends at the smallest in-order prefix of shards that
     * meets it, with exactly that prefix's result, whatever order the shards' answers come in
     * (here: last first, one twice, as a retry would deliver it).
     */
    @Test
    public void aJobWithATargetStopsAtTheSmallestPrefixThatMeetsItWhateverTheOrder() throws Exception {
        var store = store();
        JobRequest request = TestJobs.piUntil(3_000_000L, 21L, 0.002);
        var expected = TestJobs.prefix(request);
        assertThat(expected.shards())
                .as("the target is met after a few shards, not the first or the last")
                .isBetween(2, request.shardCount() - 2);
        var job = store.submit(id(), request, null, MANY);
        var tasks = new ArrayList<ShardTask>();
        for (int i = 0; i < request.shardCount(); i++) {
            tasks.add(take());
        }
        java.util.Collections.reverse(tasks); // the shards past the prefix answer first
        for (ShardTask task : tasks) {
            task.sink().dispatched();
            byte[] partial = task.sink().request().computeEncoded(task.shard());
            task.sink().shardDone(task.shard(), partial, 1000);
            task.sink().shardDone(task.shard(), partial, 1000); // a retry's second answer: counted once
        }
        var ended = store.await(job.id(), Duration.ofSeconds(10)).orElseThrow();
        assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ended.result()).usingRecursiveComparison().isEqualTo(request.finish(expected.merged()));
        assertThat(ended.shardsDone()).isEqualTo(expected.shards());
        assertThat(ended.request().until()).isEqualTo(request.until());
        var convergence = JobView.of(ended).convergence();
        assertThat(convergence.stoppedOn()).isEqualTo("target");
        assertThat(convergence.met()).isTrue();
        assertThat(convergence.samplesUsed()).isEqualTo(request.unitsOfShards(expected.shards()));
        assertThat(convergence.value()).isLessThanOrEqualTo(0.002);
        assertThat(store.active()).isZero();
    }

    /** A target the cap cannot reach: every shard, SUCCEEDED, and it says it stopped at the cap. */
    @Test
    public void aTargetTheCapCannotReachEndsAtTheCapSayingSo() throws Exception {
        var store = store();
        JobRequest request = TestJobs.piUntil(3_000_000L, 22L, 1e-6);
        var job = store.submit(id(), request, null, MANY);
        for (int i = 0; i < request.shardCount(); i++) {
            ShardTask task = take();
            task.sink().dispatched();
            task.sink().shardDone(task.shard(), task.sink().request().computeEncoded(task.shard()), 1);
        }
        var ended = store.await(job.id(), Duration.ofSeconds(10)).orElseThrow();
        assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ended.result()).usingRecursiveComparison().isEqualTo(request.finish(local(request)));
        var convergence = JobView.of(ended).convergence();
        assertThat(convergence.stoppedOn()).isEqualTo("cap");
        assertThat(convergence.met()).isFalse();
        assertThat(convergence.samplesUsed()).isEqualTo(3_000_000L);
    }

    /** A cancelled job keeps the partial result it had, and says so. */
    @Test
    public void aCancelledJobKeepsItsPartialResult() throws Exception {
        var store = store();
        JobRequest request = pi(23);
        var job = store.submit(id(), request, null, MANY);
        var done = new ArrayList<Integer>();
        for (int i = 0; i < 3; i++) {
            ShardTask task = take();
            task.sink().dispatched();
            task.sink().shardDone(task.shard(), task.sink().request().computeEncoded(task.shard()), 1);
            done.add(task.shard());
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> store.find(job.id()).orElseThrow().shardsDone() == 3);
        var cancelled = store.cancel(job.id()).orElseThrow();
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        var kept = store.find(job.id()).orElseThrow();
        assertThat(kept.error()).contains("partialResult");
        assertThat(kept.partialResult()).isNotNull();
        long samples = done.stream().mapToLong(request::shardUnits).sum();
        assertThat(kept.partialResult().samples()).isEqualTo(samples);
        Object merged = null;
        for (int shard : done) {
            Object p = request.compute(shard);
            merged = merged == null ? p : request.merge(merged, p);
        }
        assertThat(kept.partialResult().result()).usingRecursiveComparison().isEqualTo(request.finish(merged));
    }

    private ShardTask take() throws Exception {
        return taker.submit(() -> shards().take(1)).get(10, TimeUnit.SECONDS);
    }

    static Object local(JobRequest request) {
        return TestJobs.reference(request);
    }

    private static List<String> ids(JobStore.Page page) {
        return page.jobs().stream().map(Job.Snapshot::id).toList();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
