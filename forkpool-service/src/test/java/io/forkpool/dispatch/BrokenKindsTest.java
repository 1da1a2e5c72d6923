package io.forkpool.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.KindJars;
import io.forkpool.plugin.KindRegistry;
import io.forkpool.plugin.RequestFields;
import io.forkpool.worker.Worker;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.WorkerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Installed kinds whose kernel misbehaves, run by real worker processes that load them from a kinds
 * dir: the job ends FAILED with a reason naming the kind and the shard, the worker is replaced
 * where it had to be, and a job of another kind running beside it ends with its fault-free result.
 */
class BrokenKindsTest {

    static final int WORKERS = 2;
    static final int BAD_SHARD = 3;
    static final int ATTEMPTS = 2;

    static Path kinds;
    static KindRegistry registry;
    static Dispatcher dispatcher;
    static final MeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        kinds = Files.createTempDirectory("forkpool-broken-kinds");
        KindJars.jar(
                kinds,
                "broken.jar",
                "broken.Thrower",
                "broken.Looper",
                "broken.Exiter",
                "broken.Printer",
                "broken.RawWriter",
                "broken.Hog",
                "broken.Asserter");
        registry = KindRegistry.load(kinds);
        var settings = new WorkerSettings(
                WORKERS,
                "64m",
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                "io.forkpool.worker.child.WorkerMain",
                List.of(),
                Duration.ofMillis(50),
                Duration.ofMillis(500));
        var metrics = new ForkpoolMetrics(meters);
        dispatcher = new Dispatcher(
                new WorkerPool<>(settings, kinds, metrics),
                new ShardSettings(Duration.ofSeconds(5), ATTEMPTS),
                metrics,
                new ShardQueue());
        dispatcher.start();
    }

    @AfterAll
    static void stop() {
        dispatcher.stop();
    }

    /** 10 shards of 100 units; shard 3 misbehaves. */
    static JobRequest broken(String kind) throws ReflectiveOperationException {
        var installed = registry.find(kind).orElseThrow();
        assertThat(installed.getClass().getClassLoader()).isNotSameAs(BrokenKindsTest.class.getClassLoader());
        Record request =
                (Record) installed.requestType().getDeclaredConstructors()[0].newInstance(1000L, BAD_SHARD);
        return JobRequest.of(installed, RequestFields.withDefaults(request), null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"thrower", "asserter", "looper", "exiter", "raw-writer", "hog"})
    void aMisbehavingKernelFailsItsJobNamingKindAndShardAndNothingElse(String kind) throws Exception {
        // Small shards (1.3 M samples): fast even on a worker whose kernels are still cold.
        var bystander = TestJobs.pi(20_000_000L, 17L);
        var good = new RecordingWork(bystander);
        var bad = new RecordingWork(broken(kind));
        dispatcher.submit(good);
        dispatcher.submit(bad);

        String reason = bad.failure.get(60, TimeUnit.SECONDS);
        assertThat(reason)
                .contains("kind " + kind)
                .contains("shard " + BAD_SHARD)
                .contains("failed " + ATTEMPTS + " times");
        if (kind.equals("hog")) {
            assertThat(reason).contains("ran out of memory");
        }
        assertThat(bad.result).as("no result for the broken job").isNotDone();
        java.util.concurrent.CompletableFuture.anyOf(good.result, good.failure).get(60, TimeUnit.SECONDS);
        assertThat(good.failure).as("the other job").isNotDone();
        assertThat(good.result.get()).as("the other job's result").isEqualTo(TestJobs.reference(bystander));
        awaitWholePool();
    }

    @ParameterizedTest
    @ValueSource(strings = {"printer"})
    void aKernelPrintingToSystemOutDoesNotTouchTheFrameChannel(String kind) throws Exception {
        var work = new RecordingWork(broken(kind));
        dispatcher.submit(work);
        Object merged = work.result.get(60, TimeUnit.SECONDS);
        assertThat(work.request().finish(merged).toString()).isEqualTo("Result[units=1000]");
        assertThat(work.failure).isNotDone();
    }

    /**
     * Every slot has a live worker again (the lost ones were replaced). A replacement warms up
     * before it takes shards (seconds of CPU), so the bound allows for a loaded machine.
     */
    static void awaitWholePool() {
        org.awaitility.Awaitility.await("the pool whole again")
                .atMost(java.time.Duration.ofSeconds(120))
                .pollInterval(java.time.Duration.ofMillis(20))
                .untilAsserted(() -> {
                    var workers = dispatcher.workers();
                    assertThat(workers)
                            .as(
                                    "workers and their states: %s",
                                    workers.stream()
                                            .map(w -> w + " " + w.state())
                                            .toList())
                            .hasSize(WORKERS)
                            .allMatch(w -> (w.state() == Worker.State.IDLE || w.state() == Worker.State.BUSY)
                                    && ProcessHandle.of(w.pid())
                                            .map(ProcessHandle::isAlive)
                                            .orElse(false));
                });
    }
}
