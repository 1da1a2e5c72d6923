package io.forkpool.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.worker.Worker;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Warm spares beside the pool: a lost worker's slot takes the spare (the very process that was
 * waiting, not a new one), a new spare starts behind it, a lost spare is replaced without ever
 * holding a slot, and none outlives the pool.
 */
class SpareWorkerTest {

    static final JobRequest JOB = TestJobs.pi(2_000_000_000L, 7L);
    static final Object REFERENCE = WorkerFaultTest.reference(JOB);

    static Dispatcher dispatcher(int spares) {
        var settings = new WorkerSettings(
                2,
                "64m",
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                "io.forkpool.worker.child.WorkerMain",
                List.of(),
                Duration.ofMillis(50),
                Duration.ofMillis(500),
                spares);
        var metrics = new ForkpoolMetrics(new SimpleMeterRegistry());
        var dispatcher = new Dispatcher(
                new WorkerPool<>(settings, metrics), new ShardSettings(Duration.ofSeconds(30), 3), metrics);
        dispatcher.start();
        return dispatcher;
    }

    @Test
    void aKilledWorkersSlotTakesTheWaitingSpareAndANewSpareStartsBehindIt() throws Exception {
        var dispatcher = dispatcher(1);
        try {
            assertThat(dispatcher.spares())
                    .as("no spare before the service is ready")
                    .isEmpty();
            dispatcher.startSpares();
            await("a warm spare", () -> dispatcher.spares().size() == 1);
            Worker spare = dispatcher.spares().getFirst();
            assertThat(spare.state()).isEqualTo(Worker.State.SPARE);
            assertThat(dispatcher.workers()).extracting(Worker::pid).doesNotContain(spare.pid());

            var work = new RecordingWork(JOB);
            dispatcher.submit(work);
            Worker victim = WorkerFaultTest.awaitBusyWorker(dispatcher);
            int slot = victim.id();
            ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();

            await("the slot refilled", () -> dispatcher.workers().get(slot).pid() != victim.pid());
            Worker successor = dispatcher.workers().get(slot);
            assertThat(successor.pid()).as("the spare itself took the slot").isEqualTo(spare.pid());
            assertThat(successor.id()).isEqualTo(slot);
            assertThat(work.result.get(60, TimeUnit.SECONDS)).isEqualTo(REFERENCE);
            assertThat(successor.shardsCompleted())
                    .as("the former spare computed shards")
                    .isPositive();

            await("a new spare", () -> dispatcher.spares().size() == 1);
            long next = dispatcher.spares().getFirst().pid();
            assertThat(next).isNotIn(spare.pid(), victim.pid());
            assertThat(dispatcher.workers()).extracting(Worker::pid).doesNotContain(next);
        } finally {
            dispatcher.stop();
        }
    }

    @Test
    void aLostSpareIsReplacedWithoutTakingASlotAndNoSpareOutlivesThePool() throws Exception {
        var dispatcher = dispatcher(1);
        long replacement;
        try {
            dispatcher.startSpares();
            await("a warm spare", () -> dispatcher.spares().size() == 1);
            long first = dispatcher.spares().getFirst().pid();
            var slots = dispatcher.workers().stream().map(Worker::pid).toList();
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            await(
                    "another spare",
                    () -> dispatcher.spares().size() == 1
                            && dispatcher.spares().getFirst().pid() != first);
            replacement = dispatcher.spares().getFirst().pid();
            assertThat(dispatcher.workers())
                    .extracting(Worker::pid)
                    .as("the slots are untouched")
                    .isEqualTo(slots);

            var work = new RecordingWork(JOB);
            dispatcher.submit(work);
            assertThat(work.result.get(60, TimeUnit.SECONDS)).isEqualTo(REFERENCE);
            assertThat(dispatcher.spares().getFirst().shardsCompleted())
                    .as("a spare takes no shard")
                    .isZero();
        } finally {
            dispatcher.stop();
        }
        await(
                "the spare gone with the pool",
                () -> !ProcessHandle.of(replacement).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void withoutSparesALostWorkerIsReplacedByANewProcess() throws Exception {
        var dispatcher = dispatcher(0);
        try {
            dispatcher.startSpares();
            Worker victim = dispatcher.workers().getFirst();
            ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
            await(
                    "the slot refilled",
                    () -> dispatcher.workers().getFirst().pid() != victim.pid()
                            && dispatcher.workers().getFirst().state() == Worker.State.IDLE);
            assertThat(dispatcher.spares()).isEmpty();
        } finally {
            dispatcher.stop();
        }
    }

    /** Bounded wait (30 s) for a condition; fails naming it. */
    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }
}
