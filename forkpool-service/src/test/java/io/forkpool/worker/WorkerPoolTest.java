package io.forkpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.metrics.ForkpoolMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The pool's slots with real worker processes: taken and given back, lost and filled again. */
class WorkerPoolTest {

    record Lost(int slot, long pid, String reason) {}

    final List<Lost> lost = new CopyOnWriteArrayList<>();

    final WorkerListener<Void> listener = new WorkerListener<>() {
        @Override
        public void answered(
                Worker<Void> worker, Assignment<Void> assignment, io.forkpool.worker.protocol.Message answer) {}

        @Override
        public void lost(Worker<Void> worker, Assignment<Void> inFlight, String reason, String detail) {
            lost.add(new Lost(worker.id(), worker.pid(), reason));
        }
    };

    @Test
    void aSlotTakenIsNotHandedOutAgainUntilReleased() throws Exception {
        try (var pool = new WorkerPool<Void>(
                EarlyWorkersTest.settings("64m"), new ForkpoolMetrics(new SimpleMeterRegistry()))) {
            pool.listen(listener);
            pool.start();
            assertThat(pool.isReady()).isTrue();
            assertThat(pool.count(Worker.State.IDLE)).isEqualTo(2);

            var first = pool.takeIdle();
            var second = pool.takeIdle();
            assertThat(second).as("each slot once").isNotSameAs(first);
            pool.release(first);
            assertThat(pool.takeIdle()).as("given back, handed out again").isSameAs(first);
            pool.release(first);
            pool.release(second);
            assertThat(pool.count(Worker.State.IDLE)).isEqualTo(2);
            assertThat(lost).isEmpty();
        }
    }

    @Test
    void aWorkerThatDiesIsReplacedInItsSlotAndTheListenerHearsOfItOnce() throws Exception {
        try (var pool = new WorkerPool<Void>(
                EarlyWorkersTest.settings("64m"), new ForkpoolMetrics(new SimpleMeterRegistry()))) {
            pool.listen(listener);
            pool.start();
            var victim = pool.workers().getFirst();
            int slot = victim.id();
            long pid = victim.pid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !lost.isEmpty()
                            && pool.workers().stream()
                                    .anyMatch(w -> w.id() == slot && w.pid() != pid && w.state() == Worker.State.IDLE));
            assertThat(lost).hasSize(1);
            assertThat(lost.getFirst().slot()).isEqualTo(slot);
            assertThat(lost.getFirst().pid()).isEqualTo(pid);
            assertThat(pool.size()).isEqualTo(2);
            assertThat(pool.count(Worker.State.IDLE)).isEqualTo(2);
            assertThat(pool.workers()).extracting(Worker::pid).doesNotContain(pid);
            var taken = List.of(pool.takeIdle(), pool.takeIdle());
            assertThat(taken).extracting(Worker::pid).doesNotContain(pid);
        }
    }
}
