package io.forkpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.metrics.ForkpoolMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Workers forked before the context exists are the ones the pool then uses. */
class EarlyWorkersTest {

    static WorkerSettings settings(String heap) {
        return new WorkerSettings(
                2,
                heap,
                Duration.ofSeconds(30),
                Duration.ZERO,
                "io.forkpool.worker.child.WorkerMain",
                List.of(),
                Duration.ofMillis(100),
                Duration.ofSeconds(1));
    }

    /** These tests send no work: nothing to hear. */
    static final WorkerListener<Void> IGNORE = new WorkerListener<>() {
        @Override
        public void answered(
                Worker<Void> worker, Assignment<Void> assignment, io.forkpool.worker.protocol.Message answer) {}

        @Override
        public void lost(Worker<Void> worker, Assignment<Void> inFlight, String reason, String detail) {}
    };

    @AfterEach
    void noneLeft() {
        EarlyWorkers.discard();
    }

    @Test
    void thePoolAdoptsTheProcessesForkedForItsSlots() {
        var settings = settings("64m");
        List<Long> forked = EarlyWorkers.fork(new WorkerLauncher(settings), settings.size());
        assertThat(forked).hasSize(2);
        try (var pool = new WorkerPool<Void>(settings, new ForkpoolMetrics(new SimpleMeterRegistry()))) {
            pool.listen(IGNORE);
            pool.start();
            assertThat(pool.workers()).extracting(Worker::pid).containsExactlyInAnyOrderElementsOf(forked);
            assertThat(pool.workers()).extracting(Worker::state).containsOnly(Worker.State.IDLE);
        }
    }

    @Test
    void aProcessForkedWithAnotherCommandLineIsKilledNotAdopted() throws Exception {
        List<Long> forked = EarlyWorkers.fork(new WorkerLauncher(settings("48m")), 2);
        var settings = settings("64m");
        try (var pool = new WorkerPool<Void>(settings, new ForkpoolMetrics(new SimpleMeterRegistry()))) {
            pool.listen(IGNORE);
            pool.start();
            assertThat(pool.workers()).hasSize(2).extracting(Worker::pid).doesNotContainAnyElementsOf(forked);
        }
        for (long pid : forked) {
            var handle = ProcessHandle.of(pid);
            if (handle.isPresent()) {
                handle.get().onExit().get(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void whatNobodyAdoptsIsKilledWhenDiscarded() throws Exception {
        List<Long> forked = EarlyWorkers.fork(new WorkerLauncher(settings("64m")), 1);
        var process = ProcessHandle.of(forked.getFirst()).orElseThrow();
        EarlyWorkers.discard();
        process.onExit().get(5, TimeUnit.SECONDS);
        assertThat(process.isAlive()).isFalse();
        assertThat(EarlyWorkers.adopt(0, new WorkerLauncher(settings("64m")).command(0)))
                .isNull();
    }
}
