package io.forkpool.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.worker.Worker;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.WorkerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real worker processes that crash, hang, or talk garbage: every job still ends with the result
 * of a fault-free run, or fails naming the shard, and the pool is whole again.
 */
class WorkerFaultTest {

    /**
     * About 60 shards, long enough (a second or more) to catch a worker holding one; the
     * reference is the kernel run shard by shard in this JVM.
     */
    static final JobRequest JOB = TestJobs.pi(4_000_000_000L, 99L);

    static final Object REFERENCE = reference(JOB);

    @TempDir
    Path temp;

    final MeterRegistry registry = new SimpleMeterRegistry();

    Dispatcher dispatcher(String mainClass, Duration shardTimeout, int maxAttempts) {
        // Warm workers, as in production: a cold vector kernel can take longer than the short deadline below.
        var settings = new WorkerSettings(
                2,
                "64m",
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                mainClass,
                List.of("-Dfaulty.marker=" + temp.resolve("claimed")),
                Duration.ofMillis(50),
                Duration.ofMillis(500));
        var metrics = new ForkpoolMetrics(registry);
        var dispatcher = new Dispatcher(
                new WorkerPool<>(settings, metrics), new ShardSettings(shardTimeout, maxAttempts), metrics);
        dispatcher.start();
        return dispatcher;
    }

    @Test
    void aWorkerKilledMidShardIsReplacedAndTheResultIsUnchanged() throws Exception {
        var dispatcher = dispatcher("io.forkpool.worker.child.WorkerMain", Duration.ofSeconds(30), 3);
        try {
            var work = new RecordingWork(JOB);
            dispatcher.submit(work);
            Worker victim = awaitBusyWorker(dispatcher);
            long pid = victim.pid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
            assertThat(work.result.get(60, TimeUnit.SECONDS)).isEqualTo(REFERENCE);
            assertThat(counter("forkpool.workers.restarts", "crash")).isEqualTo(1);
            assertThat(counter("forkpool.shards.retried", "crash")).isEqualTo(1);
            awaitWholePool(dispatcher, pid);
        } finally {
            dispatcher.stop();
        }
    }

    @Test
    void aStoppedWorkerMissesItsDeadlineIsKilledAndItsShardRetried() throws Exception {
        var dispatcher = dispatcher("io.forkpool.worker.child.WorkerMain", Duration.ofSeconds(3), 3);
        try {
            var work = new RecordingWork(JOB);
            dispatcher.submit(work);
            Worker victim = awaitBusyWorker(dispatcher);
            long pid = victim.pid();
            new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor(); // the tutorial's deadlock
            assertThat(work.result.get(60, TimeUnit.SECONDS)).isEqualTo(REFERENCE);
            assertThat(counter("forkpool.workers.restarts", "timeout")).isEqualTo(1);
            assertThat(counter("forkpool.shards.retried", "timeout")).isEqualTo(1);
            awaitWholePool(dispatcher, pid);
        } finally {
            dispatcher.stop();
        }
    }

    @ParameterizedTest
    @CsvSource({"GarbageOnce, protocol", "TruncatedOnce, protocol"})
    void aWorkerThatTalksGarbageIsReplacedAndNothingOfItIsMerged(String main, String reason) throws Exception {
        var dispatcher = dispatcher("io.forkpool.dispatch.FaultyWorkers$" + main, Duration.ofSeconds(30), 3);
        try {
            var work = new RecordingWork(JOB);
            dispatcher.submit(work);
            assertThat(work.result.get(60, TimeUnit.SECONDS)).isEqualTo(REFERENCE);
            assertThat(work.answers()).as("the bad answer was not merged").isEqualTo(JOB.shardCount());
            assertThat(counter("forkpool.workers.restarts", reason)).isEqualTo(1);
            awaitWholePool(dispatcher, -1);
        } finally {
            dispatcher.stop();
        }
    }

    @Test
    void aWorkerThatDiesInItsHandshakeIsReplaced() throws Exception {
        var dispatcher =
                dispatcher("io.forkpool.dispatch.FaultyWorkers$DiesInHandshakeOnce", Duration.ofSeconds(30), 3);
        try {
            awaitWholePool(dispatcher, -1);
            assertThat(counter("forkpool.workers.restarts", "spawn")).isEqualTo(1);
            var work = new RecordingWork(JOB);
            dispatcher.submit(work);
            assertThat(work.result.get(60, TimeUnit.SECONDS)).isEqualTo(REFERENCE);
        } finally {
            dispatcher.stop();
        }
    }

    @Test
    void aShardThatFailsOnEveryTryFailsItsJobNamingTheShard() throws Exception {
        var dispatcher = dispatcher("io.forkpool.dispatch.FaultyWorkers$AlwaysCrashes", Duration.ofSeconds(30), 3);
        try {
            var work = new RecordingWork(TestJobs.pi(1000L, 1L));
            dispatcher.submit(work);
            String problem = work.failure.get(60, TimeUnit.SECONDS);
            assertThat(problem).contains("shard 0").contains("3 times").contains("exit code 137");
            assertThat(counter("forkpool.shards.retried", "crash")).isEqualTo(2);
            awaitWholePool(dispatcher, -1);
        } finally {
            dispatcher.stop();
        }
    }

    private double counter(String name, String reason) {
        var c = registry.find(name).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    static Worker awaitBusyWorker(Dispatcher dispatcher) {
        return await("a worker busy with a shard")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(2))
                .until(
                        () -> dispatcher.workers().stream()
                                .filter(w -> w.inFlight() != null)
                                .findFirst()
                                .orElse(null),
                        java.util.Objects::nonNull);
    }

    /** Both slots hold a live, ready worker again, and the dead one is gone. */
    private static void awaitWholePool(Dispatcher dispatcher, long deadPid) {
        await("the pool whole again")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    var workers = dispatcher.workers();
                    assertThat(workers)
                            .as("%s", workers)
                            .hasSize(2)
                            .allSatisfy(w -> assertThat(w.state()).isIn(Worker.State.IDLE, Worker.State.BUSY))
                            .noneSatisfy(w -> assertThat(w.pid()).isEqualTo(deadPid));
                    if (deadPid >= 0) {
                        assertThat(ProcessHandle.of(deadPid)
                                        .map(ProcessHandle::isAlive)
                                        .orElse(false))
                                .as("worker %d alive", deadPid)
                                .isFalse();
                    }
                });
    }

    static Object reference(JobRequest job) {
        return TestJobs.reference(job);
    }
}
