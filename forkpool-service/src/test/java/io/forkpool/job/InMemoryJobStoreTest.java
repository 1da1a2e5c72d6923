package io.forkpool.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.ShardQueue;
import io.forkpool.dispatch.ShardTask;
import io.forkpool.dispatch.ShardTransport;
import io.forkpool.kind.TestJobs;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedded backend against the contract every backend meets, and its bounds. */
class InMemoryJobStoreTest extends JobStoreContract {

    private ShardQueue shards;
    private InMemoryJobStore store;

    @BeforeEach
    void fresh() {
        shards = new ShardQueue();
        store = new InMemoryJobStore(new JobSettings(Duration.ofHours(1), 100, Duration.ofSeconds(1)), shards);
    }

    @Override
    protected JobStore store() {
        return store;
    }

    @Override
    protected ShardTransport shards() {
        return shards;
    }

    /**
     * 20,000 one-shard jobs, 400 times the bound, answered by two threads as fast as they come, no
     * sweep: the finished jobs the store lists never exceed {@code max-retained}, sampled all along.
     */
    @Test
    void aFloodOfTinyJobsNeverHoldsMoreFinishedJobsThanTheBound() throws Exception {
        int maxRetained = 50;
        int maxActive = 20;
        int jobs = 20_000;
        var queue = new ShardQueue();
        var store =
                new InMemoryJobStore(new JobSettings(Duration.ofHours(1), maxRetained, Duration.ofSeconds(1)), queue);
        var succeeded = new AtomicInteger();
        store.listen(s -> {
            if (s.status() == JobStatus.SUCCEEDED) {
                succeeded.incrementAndGet();
            }
        });
        var request = TestJobs.pi(1000L, 1L);
        assertThat(request.shardCount()).isEqualTo(1);
        byte[] partial = request.computeEncoded(0);

        try (var threads = Executors.newFixedThreadPool(3)) {
            for (int w = 0; w < 2; w++) {
                threads.submit(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        ShardTask task = queue.take(1);
                        task.sink().dispatched();
                        task.sink().shardDone(task.shard(), partial, 1);
                    }
                    return null;
                });
            }
            var flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
            Future<int[]> sampler = threads.submit(() -> {
                int samples = 0;
                int maxFinished = 0;
                int maxHeld = 0;
                while (flooding.get()) {
                    // A listing walks the jobs while others end: a job that ends during the walk
                    // can be counted beside the one its end evicted. Such jobs are the only excess
                    // a listing can show, so they are taken off before comparing with the bound.
                    int before = succeeded.get();
                    int finished =
                            (int) store.page(JobStatus.SUCCEEDED, null, 0, 1).total();
                    int held = (int) store.page(null, null, 0, 1).total();
                    int endedMeanwhile = succeeded.get() - before;
                    maxFinished = Math.max(maxFinished, finished - endedMeanwhile);
                    maxHeld = Math.max(maxHeld, held - endedMeanwhile);
                    samples++;
                }
                return new int[] {samples, maxFinished, maxHeld};
            });

            String first = null;
            String last = null;
            for (int submitted = 0; submitted < jobs; ) {
                try {
                    last = store.submit(UUID.randomUUID().toString(), request, null, maxActive)
                            .id();
                    first = first == null ? last : first;
                    submitted++;
                } catch (JobRejectedException.Full full) {
                    Thread.onSpinWait(); // as a client would retry a 503
                }
            }
            assertThat(store.await(last, Duration.ofSeconds(30)).orElseThrow().status())
                    .isEqualTo(JobStatus.SUCCEEDED);
            await().atMost(Duration.ofSeconds(30)).until(() -> store.active() == 0);
            flooding.set(false);
            int[] seen = sampler.get(10, TimeUnit.SECONDS);
            threads.shutdownNow();

            assertThat(seen[0]).as("samples taken while flooding").isGreaterThan(100);
            assertThat(seen[1])
                    .as("most finished jobs listed at once, less those that ended during the listing")
                    .isEqualTo(maxRetained);
            assertThat(seen[2]).as("most jobs held at once").isLessThanOrEqualTo(maxRetained + maxActive);
            assertThat(succeeded).as("every job ran").hasValue(jobs);
            assertThat(store.page(JobStatus.SUCCEEDED, null, 0, 1).total()).isEqualTo(maxRetained);
            assertThat(store.page(null, null, 0, 1).total()).isEqualTo(maxRetained);
            assertThat(store.find(first)).as("the oldest is forgotten").isEmpty();
            assertThat(store.find(last)).as("the newest is kept").isPresent();
        }
    }

    @Test
    void aFinishedJobIsForgottenPastItsRetentionAndARunningOneNever() {
        var store = new InMemoryJobStore(
                new JobSettings(Duration.ofMillis(200), 100, Duration.ofSeconds(1)), new ShardQueue());
        var finished =
                store.submit(UUID.randomUUID().toString(), pi(1), null, 10).id();
        var running =
                store.submit(UUID.randomUUID().toString(), pi(2), null, 10).id();
        store.fail(finished, "ended");
        store.expire();
        assertThat(store.find(finished)).as("within its retention").isPresent();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            store.expire();
            assertThat(store.find(finished)).isEmpty();
        });
        assertThat(store.find(running)).isPresent();
    }
}
