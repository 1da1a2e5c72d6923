package io.forkpool.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.KindJars;
import io.forkpool.plugin.KindRegistry;
import io.forkpool.plugin.RequestFields;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A worker that computes slower than the other per CPU second (the test kind {@code spinner}
 * burns twice the CPU time per unit in one chosen process, as a JVM stuck in a slow JIT mode
 * would) gives its slot to the warm spare between two shards: the job's result does not change,
 * the slow process exits, and the replacement is counted; the spare, at the others' speed, stays.
 */
class SlowWorkerTest {

    @Test
    void aWorkerSlowerThanTheOtherGivesItsSlotToTheWarmSpare() throws Exception {
        Path kinds = Files.createTempDirectory("forkpool-slow-kind");
        KindJars.jar(kinds, "slow.jar", "slow.Spinner");
        var spinner = KindRegistry.load(kinds).find("spinner").orElseThrow();
        var settings = new WorkerSettings(
                2,
                "64m",
                Duration.ofSeconds(60),
                Duration.ofSeconds(1),
                "io.forkpool.worker.child.WorkerMain",
                List.of(),
                Duration.ofMillis(50),
                Duration.ofMillis(500),
                1,
                WorkerSettings.SparePriority.NORMAL, // warms at once, however busy the machine
                true);
        var registry = new SimpleMeterRegistry();
        var metrics = new ForkpoolMetrics(registry);
        var dispatcher = new Dispatcher(
                new WorkerPool<>(settings, kinds, metrics), new ShardSettings(Duration.ofSeconds(60), 3), metrics);
        dispatcher.start();
        try {
            dispatcher.startSpares();
            Awaitility.await("a warm spare")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> dispatcher.spares().size() == 1);
            long spare = dispatcher.spares().getFirst().pid();
            var slow = dispatcher.workers().getFirst();
            // 300 shards of 100 units at 0.1 ms of CPU each: 10 ms a shard, 20 ms in the slow process, which
            // takes about 100 of them: judged after 24
            Record body = (Record)
                    spinner.requestType().getDeclaredConstructors()[0].newInstance(30_000L, 100_000L, slow.pid());
            var work = new RecordingWork(JobRequest.of(spinner, RequestFields.withDefaults(body), null));
            dispatcher.submit(work);

            Object merged = work.result.get(120, TimeUnit.SECONDS);
            assertThat(work.request().finish(merged).toString()).isEqualTo("Result[units=30000]");
            assertThat(dispatcher.workers().get(slow.id()).pid())
                    .as("the spare holds the slow worker's slot")
                    .isEqualTo(spare);
            assertThat(dispatcher.workers().get(slow.id()).shardsCompleted())
                    .as("the former spare computed shards")
                    .isPositive();
            var exited = ProcessHandle.of(slow.pid());
            if (exited.isPresent()) {
                exited.get().onExit().get(15, TimeUnit.SECONDS);
            }
            assertThat(registry.get("forkpool.workers.restarts")
                            .tag("reason", "slow")
                            .counter()
                            .count())
                    .as("one replacement: the spare runs at the other's speed")
                    .isEqualTo(1.0);
            assertThat(registry.find("forkpool.workers.restarts")
                            .tag("reason", "crash")
                            .counter())
                    .as("the slow worker's exit is not a crash")
                    .isNull();
        } finally {
            dispatcher.stop();
        }
    }
}
