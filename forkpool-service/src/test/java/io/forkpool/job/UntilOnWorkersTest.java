package io.forkpool.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.Dispatcher;
import io.forkpool.dispatch.ShardSettings;
import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The prefix rule on real worker processes: a job with a target ends at the same shard, with
 * the same bits, on 1 worker or 2, and when a worker is killed mid-job (its shard retried
 * elsewhere, answers arriving out of order).
 */
class UntilOnWorkersTest {

    /** Pi capped at 4·10^9 samples (60 shards), stopping near the middle: about 2·10^9 are needed. */
    static final JobRequest JOB = TestJobs.piUntil(4_000_000_000L, 77L, 3.7e-5);

    static final TestJobs.Prefix EXPECTED = TestJobs.prefix(JOB);

    @ParameterizedTest(name = "{0} worker(s), one killed: {1}")
    @CsvSource({"1, false", "2, false", "2, true"})
    void theSamePrefixAndBitsOnAnyNumberOfWorkersAndThroughAKill(int workers, boolean kill) throws Exception {
        assertThat(EXPECTED.shards()).as("stops well inside the cap").isBetween(10, JOB.shardCount() - 10);
        var settings = new WorkerSettings(
                workers,
                "64m",
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                "io.forkpool.worker.child.WorkerMain",
                List.of(),
                Duration.ofMillis(50),
                Duration.ofMillis(500));
        var metrics = new ForkpoolMetrics(new SimpleMeterRegistry());
        var dispatcher = new Dispatcher(
                new WorkerPool<>(settings, metrics), new ShardSettings(Duration.ofSeconds(30), 3), metrics);
        dispatcher.start();
        try {
            var job = new Job(
                    "until-" + workers + "-" + kill,
                    1,
                    JOB,
                    null,
                    null,
                    Instant.now(),
                    j -> {},
                    j -> {},
                    new ShardLog.Budget(TimelineSettings.DEFAULTS),
                    null,
                    null);
            dispatcher.submit(job);
            if (kill) {
                var victim = await("a worker busy with a shard")
                        .atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(2))
                        .until(
                                () -> dispatcher.workers().stream()
                                        .filter(w -> w.inFlight() != null)
                                        .findFirst()
                                        .orElse(null),
                                java.util.Objects::nonNull);
                ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly(); // SIGKILL mid-shard
            }
            var ended = job.finished().get(120, TimeUnit.SECONDS).snapshot();
            assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(ended.shardsDone()).as("shards used").isEqualTo(EXPECTED.shards());
            assertThat(ended.result()).usingRecursiveComparison().isEqualTo(JOB.finish(EXPECTED.merged()));
            var convergence = JobView.of(ended).convergence();
            assertThat(convergence.stoppedOn()).isEqualTo("target");
            assertThat(convergence.samplesUsed()).isEqualTo(JOB.unitsOfShards(EXPECTED.shards()));
            assertThat(job.nextShard())
                    .as("no shard past the end is handed out")
                    .isEqualTo(-1);
        } finally {
            dispatcher.stop();
        }
    }
}
