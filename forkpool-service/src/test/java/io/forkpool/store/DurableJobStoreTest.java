package io.forkpool.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.ShardQueue;
import io.forkpool.dispatch.ShardTask;
import io.forkpool.dispatch.ShardTransport;
import io.forkpool.job.Job;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import io.forkpool.job.JobStoreContract;
import io.forkpool.job.TimelineSettings;
import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
import io.forkpool.tenant.Tenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The durable store against the contract every backend meets, and what it adds: a restart loses nothing. */
class DurableJobStoreTest extends JobStoreContract {

    @TempDir
    Path dir;

    private final List<DurableJobStore> opened = new ArrayList<>();
    private ShardQueue shards;
    private DurableJobStore store;

    @BeforeEach
    void fresh() {
        reopen(100);
    }

    @AfterEach
    void closeAll() {
        opened.forEach(DurableJobStore::close);
    }

    /** A new store (as after a restart) on the same folder; the old one is closed first. */
    private DurableJobStore reopen(int maxRetained) {
        if (store != null) {
            store.close();
        }
        shards = new ShardQueue();
        store = open(dir, maxRetained, shards);
        return store;
    }

    private DurableJobStore open(Path folder, int maxRetained, ShardQueue queue) {
        var opened = DurableJobStore.open(
                new StoreSettings(folder, 2),
                new JobSettings(Duration.ofHours(1), maxRetained, Duration.ofSeconds(1)),
                new TimelineSettings(2000, 200_000),
                queue,
                TestJobs.binder(),
                JsonMapper.builder().build());
        this.opened.add(opened);
        return opened;
    }

    @Override
    protected JobStore store() {
        return store;
    }

    @Override
    protected ShardTransport shards() {
        return shards;
    }

    private ShardTask take() throws Exception {
        var task = shards.poll();
        assertThat(task).as("a shard is queued").isNotNull();
        return task;
    }

    private static void answer(ShardTask task) {
        task.sink().dispatched();
        var now = java.time.Instant.now();
        task.sink()
                .attemptEnded(new io.forkpool.dispatch.ShardAttempt(
                        task.shard(),
                        0,
                        1,
                        4242,
                        null,
                        now.minusMillis(3),
                        now,
                        io.forkpool.dispatch.ShardAttempt.DONE));
        task.sink().shardDone(task.shard(), task.sink().request().computeEncoded(task.shard()), 1000);
    }

    @Test
    void aJobStoppedHalfWayResumesFromItsSavedShardsWithTheSameResult() throws Exception {
        JobRequest dice = TestJobs.dice(3_000_000_000L, 6, 17L);
        int total = dice.shardCount();
        assertThat(total).as("shards enough to stop half-way").isGreaterThanOrEqualTo(4);
        var job = store.submit(UUID.randomUUID().toString(), dice, null, 10);
        var done = new HashSet<Integer>();
        for (int i = 0; i < total / 2; i++) {
            var task = take();
            answer(task);
            done.add(task.shard());
        }
        store.flushed().get(10, TimeUnit.SECONDS);
        assertThat(store.find(job.id()).orElseThrow().shardsDone()).isEqualTo(total / 2);

        reopen(100);
        var resumed = store.find(job.id()).orElseThrow();
        assertThat(resumed.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(resumed.shardsDone()).as("where it was").isEqualTo(total / 2);
        assertThat(resumed.submittedAt()).isEqualTo(job.submittedAt());
        var handedOut = new HashSet<Integer>();
        ShardTask task;
        while ((task = shards.poll()) != null) {
            handedOut.add(task.shard());
            answer(task);
        }
        assertThat(handedOut).as("only the shards not saved before").doesNotContainAnyElementsOf(done);
        assertThat(handedOut).hasSize(total - total / 2);
        var ended = store.await(job.id(), Duration.ofSeconds(10)).orElseThrow();
        assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ended.result()).usingRecursiveComparison().isEqualTo(dice.finish(TestJobs.reference(dice)));

        reopen(100);
        var read = store.find(job.id()).orElseThrow();
        assertThat(read.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(read.result()).usingRecursiveComparison().isEqualTo(ended.result());
        assertThat(read.shardsDone()).isEqualTo(total);
        assertThat(read.finishedAt()).isEqualTo(ended.finishedAt());
        assertThat(store.shards(job.id()).orElseThrow().attempts())
                .as("the timeline of the tries after the restart")
                .isEqualTo(total - total / 2);
        assertThat(shards.poll()).as("an ended job is not resumed").isNull();
    }

    /**
     * The prefix rule across a crash: shards saved past a missing first one wait for it after the
     * restart, and the job still ends at the same k with the same bits; a job whose saved shards
     * already meet its target ends at the restart itself.
     */
    @Test
    void aJobWithATargetEndsAtTheSamePrefixAcrossARestart() throws Exception {
        JobRequest request = TestJobs.piUntil(3_000_000L, 21L, 0.002);
        var expected = TestJobs.prefix(request);
        int k = expected.shards();
        assertThat(k).isBetween(2, request.shardCount() - 3);

        var waiting = store.submit(UUID.randomUUID().toString(), request, null, 10);
        var met = store.submit(UUID.randomUUID().toString(), request, null, 10);
        // as if killed mid-job: the first job has shards 1..k+1 saved, not 0; the second 0..k+1
        for (int i = 0; i < 2 * request.shardCount(); i++) {
            var task = take();
            task.sink().dispatched();
            boolean save = task.shard() <= k + 1 && (task.sink().jobId().equals(met.id()) || task.shard() > 0);
            if (save) {
                store.save(
                        (io.forkpool.job.Job) task.sink(),
                        task.shard(),
                        request.computeEncoded(task.shard()),
                        5,
                        () -> {});
            }
        }
        store.flushed().get(10, TimeUnit.SECONDS);
        reopen(100);

        var endedAtRestart = store.await(met.id(), Duration.ofSeconds(10)).orElseThrow();
        assertThat(endedAtRestart.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(endedAtRestart.shardsDone()).isEqualTo(k);
        assertThat(endedAtRestart.result()).usingRecursiveComparison().isEqualTo(request.finish(expected.merged()));

        var tasks = new java.util.ArrayList<ShardTask>();
        ShardTask task;
        while ((task = shards.poll()) != null) {
            tasks.add(task);
        }
        assertThat(tasks)
                .extracting(ShardTask::shard)
                .as("shard 0 and those not saved")
                .contains(0);
        java.util.Collections.reverse(tasks);
        tasks.forEach(DurableJobStoreTest::answer);
        var ended = store.await(waiting.id(), Duration.ofSeconds(10)).orElseThrow();
        assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ended.shardsDone()).isEqualTo(k);
        assertThat(ended.result()).usingRecursiveComparison().isEqualTo(endedAtRestart.result());
        reopen(100);
        assertThat(io.forkpool.job.JobView.of(store.find(waiting.id()).orElseThrow())
                        .convergence()
                        .samplesUsed())
                .as("read back from the store")
                .isEqualTo(request.unitsOfShards(k));
    }

    @Test
    void aJobWhoseEveryShardWasSavedEndsAtTheRestart() throws Exception {
        JobRequest pi = TestJobs.pi(1000L, 3L);
        var job = store.submit(UUID.randomUUID().toString(), pi, null, 10);
        var task = take();
        task.sink().dispatched();
        // saved but the end not yet written: as if killed between the two commits
        store.save((io.forkpool.job.Job) task.sink(), task.shard(), pi.computeEncoded(task.shard()), 5, () -> {});
        store.flushed().get(10, TimeUnit.SECONDS);
        reopen(100);
        var ended = store.await(job.id(), Duration.ofSeconds(10)).orElseThrow();
        assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ended.result()).usingRecursiveComparison().isEqualTo(pi.finish(TestJobs.reference(pi)));
        assertThat(shards.poll()).isNull();
    }

    @Test
    void cancelsAndIdempotencyKeysOutliveARestart() throws Exception {
        var keyed = store.submit(UUID.randomUUID().toString(), pi(21), null, 10, new JobStore.Keyed("key-r", "body-r"));
        var cancelled = store.submit(UUID.randomUUID().toString(), pi(22), null, 10);
        store.cancel(cancelled.id());
        reopen(100);
        assertThat(store.find(cancelled.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(store.submit(UUID.randomUUID().toString(), pi(21), null, 10, new JobStore.Keyed("key-r", "body-r"))
                        .id())
                .isEqualTo(keyed.id());
        assertThatThrownBy(() -> store.submit(
                        UUID.randomUUID().toString(), pi(21), null, 10, new JobStore.Keyed("key-r", "other")))
                .isInstanceOf(JobRejectedException.KeyReused.class);
        assertThat(store.active()).as("the keyed job resumed, queued").isEqualTo(1);
        assertThat(store.page(null, null, 0, 10).total()).isEqualTo(2);
        assertThat(store.page(JobStatus.CANCELLED, "pi", 0, 10).total()).isEqualTo(1);
    }

    @Test
    void aJobsWebhookAndItsDeliveriesOutliveARestart() throws Exception {
        var job = store.submit(UUID.randomUUID().toString(), pi(24), null, "http://hooks.test/x", 10, null);
        var attempt = new io.forkpool.webhook.DeliveryLog.Attempt(
                "d-1", 1, "http://hooks.test/x", java.time.Instant.now(), "failed", 500, "answered 500", 3);
        store.deliveries().record(job.id(), attempt);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.deliveries().attempts(job.id()).size() == 1);
        reopen(100);
        assertThat(store.find(job.id()).orElseThrow().notifyUrl())
                .as("resumed with its webhook")
                .isEqualTo("http://hooks.test/x");
        assertThat(store.deliveries().attempts(job.id())).containsExactly(attempt);
        store.forget(List.of(job.id()));
        assertThat(store.deliveries().attempts(job.id()))
                .as("forgotten with its job")
                .isEmpty();
    }

    @Test
    void aBatchItsJobsAndItsKeyOutliveARestart() throws Exception {
        var batch = new JobStore.Batch(UUID.randomUUID().toString(), 2, java.time.Instant.now());
        var jobs = List.of(
                new JobStore.Submission(UUID.randomUUID().toString(), pi(24), null, null),
                new JobStore.Submission(UUID.randomUUID().toString(), pi(25), null, null));
        var key = new JobStore.Keyed("batch-r", "bodies-r");
        store.submitBatch(batch, jobs, 10, key);
        store.cancel(jobs.getFirst().id());
        reopen(100);
        assertThat(store.batch(batch.id())).hasValue(batch);
        var listed = store.page(null, null, batch.id(), 0, 10);
        assertThat(listed.jobs())
                .extracting(Job.Snapshot::id, Job.Snapshot::status, Job.Snapshot::batch)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(jobs.get(1).id(), JobStatus.QUEUED, batch.id()),
                        org.assertj.core.groups.Tuple.tuple(jobs.get(0).id(), JobStatus.CANCELLED, batch.id()));
        assertThat(store.active()).as("the unfinished job of the batch resumed").isEqualTo(1);
        var again = store.submitBatch(
                new JobStore.Batch(UUID.randomUUID().toString(), 2, java.time.Instant.now()), jobs, 10, key);
        assertThat(again.id()).isEqualTo(batch.id());
    }

    @Test
    void aStoreOfSchemaOneGainsBatchesAndKeepsItsJobs() throws Exception {
        Path old = Files.createDirectories(dir.resolve("schema-1"));
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + old.resolve(JobDatabase.FILE));
                var s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE jobs (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
                    + " status TEXT NOT NULL, request TEXT NOT NULL, timeout_seconds INTEGER, submitted_at INTEGER NOT"
                    + " NULL, started_at INTEGER, finished_at INTEGER, shards_done INTEGER NOT NULL DEFAULT 0,"
                    + " shards_total INTEGER NOT NULL, compute_nanos INTEGER NOT NULL DEFAULT 0, error TEXT,"
                    + " merged BLOB, timeline TEXT)");
            s.executeUpdate("INSERT INTO jobs (seq, id, type, status, request, submitted_at, finished_at, shards_total,"
                    + " error) VALUES (1, 'old-job', 'pi', 'CANCELLED', '"
                    + JsonMapper.builder().build().writeValueAsString(pi(26)) + "', 1, 2, 1, 'cancelled by request')");
            s.executeUpdate("PRAGMA user_version = 1");
        }
        var upgraded = open(old, 100, new ShardQueue());
        assertThat(upgraded.find("old-job").orElseThrow().batch()).isNull();
        var batch = new JobStore.Batch(UUID.randomUUID().toString(), 1, java.time.Instant.now());
        var job = new JobStore.Submission(UUID.randomUUID().toString(), pi(27), null, null);
        upgraded.submitBatch(batch, List.of(job), 10, null);
        assertThat(ids(upgraded.page(null, null, batch.id(), 0, 10))).containsExactly(job.id());
        assertThat(upgraded.page(null, null, 0, 10).total()).isEqualTo(2);
        var before = upgraded.find("old-job").orElseThrow();
        assertThat(before.tenant())
                .as("a job of before tenants is the default tenant's")
                .isEqualTo(Tenant.DEFAULT_NAME);
        assertThat(before.priority()).isEqualTo(io.forkpool.dispatch.Priority.NORMAL);
        assertThat(ids(upgraded.page(null, null, null, Tenant.DEFAULT_NAME, 0, 10)))
                .containsExactly(job.id(), "old-job");
        assertThat(upgraded.page(null, null, null, "alice", 0, 10).total()).isZero();
    }

    @Test
    void anUnfinishedJobResumesWithItsTenantPriorityAndQuota() throws Exception {
        var capped = new io.forkpool.tenant.Tenant("alice", 1, 1, 0, false);
        Path folder = dir.resolve("resume-tenant");
        String id;
        try (var first = open(folder, 100, new ShardQueue())) {
            id = first.submit(
                            new JobStore.Submission(
                                    UUID.randomUUID().toString(),
                                    pi(40),
                                    null,
                                    null,
                                    io.forkpool.dispatch.Priority.LOW),
                            10,
                            null,
                            capped)
                    .id();
        }
        try (var second = open(folder, 100, new ShardQueue())) {
            var resumed = second.find(id).orElseThrow();
            assertThat(resumed.tenant()).isEqualTo("alice");
            assertThat(resumed.priority()).isEqualTo(io.forkpool.dispatch.Priority.LOW);
            assertThatThrownBy(() -> second.submit(
                            new JobStore.Submission(UUID.randomUUID().toString(), pi(41), null, null),
                            10,
                            null,
                            capped))
                    .as("the resumed job still counts against alice's max-jobs")
                    .isInstanceOf(io.forkpool.job.JobRejectedException.OverQuota.class);
        }
    }

    private static List<String> ids(JobStore.Page page) {
        return page.jobs().stream().map(Job.Snapshot::id).toList();
    }

    @Test
    void aDeadlineCountsFromSubmissionAcrossARestart() throws Exception {
        var job = store.submit(UUID.randomUUID().toString(), pi(23), 1, 10);
        reopen(100);
        var ended = store.await(job.id(), Duration.ofSeconds(10)).orElseThrow();
        assertThat(ended.status()).isEqualTo(JobStatus.FAILED);
        assertThat(ended.error()).isEqualTo("timed out after 1 s");
        assertThat(Duration.between(ended.submittedAt(), ended.finishedAt()))
                .isBetween(Duration.ofMillis(990), Duration.ofMillis(2500));
    }

    @Test
    void finishedJobsPastTheCountAreDeletedOldestFirst() throws Exception {
        reopen(5);
        var ids = new ArrayList<String>();
        for (int i = 0; i < 20; i++) {
            var job = store.submit(UUID.randomUUID().toString(), TestJobs.pi(1000L, (long) i), null, 10);
            answer(take());
            assertThat(store.await(job.id(), Duration.ofSeconds(10))
                            .orElseThrow()
                            .status())
                    .isEqualTo(JobStatus.SUCCEEDED);
            ids.add(job.id());
        }
        store.expire();
        var page = store.page(null, null, 0, 50);
        assertThat(page.total()).isEqualTo(5);
        assertThat(page.jobs().stream().map(j -> j.id()).toList())
                .containsExactlyElementsOf(ids.subList(15, 20).reversed());
        assertThat(store.find(ids.getFirst())).isEmpty();
        assertThat(store.bytes()).isPositive();
    }

    @Test
    void aSecondStoreOnTheSameFolderRefusesToOpen() {
        assertThatThrownBy(() -> open(dir, 100, new ShardQueue()))
                .hasMessageContaining("in use by another forkpool")
                .hasMessageContaining(JobDatabase.LOCK);
    }

    @Test
    void aCorruptStoreFileStopsTheStartNamingTheFile() throws Exception {
        Path other = dir.resolve("corrupt");
        Files.createDirectories(other);
        byte[] junk = new byte[8192];
        new java.util.Random(5).nextBytes(junk);
        Files.write(other.resolve(JobDatabase.FILE), junk);
        assertThatThrownBy(() -> open(other, 100, new ShardQueue()))
                .hasMessageContaining(
                        other.resolve(JobDatabase.FILE).toAbsolutePath().toString())
                .hasMessageContaining("restore");
        assertThat(Files.readAllBytes(other.resolve(JobDatabase.FILE)))
                .as("never written over")
                .isEqualTo(junk);
    }

    @Test
    void aFolderThatCannotBeMadeStopsTheStart() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "not a folder");
        assertThatThrownBy(() -> open(file.resolve("data"), 100, new ShardQueue()))
                .hasMessageContaining("cannot be created")
                .hasMessageContaining("forkpool.store.dir");
    }
}
