package io.forkpool.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.worker.Assignment;
import io.forkpool.worker.Worker;
import io.forkpool.worker.protocol.Message;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The retry policy: what becomes of a shard's try that answered, failed, or whose worker was lost. */
class ShardOutcomesTest {

    static final int MAX_ATTEMPTS = 3;

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ShardQueue queue = new ShardQueue();
    final List<String> attemptsHeard = new ArrayList<>();
    final ShardOutcomes outcomes = new ShardOutcomes(
            queue,
            new ShardSettings(Duration.ofSeconds(60), MAX_ATTEMPTS),
            new ForkpoolMetrics(registry),
            (sink, attempt) -> attemptsHeard.add(attempt.shard() + ":" + attempt.outcome()));

    @SuppressWarnings("unchecked")
    final Worker<ShardTask> worker = mock(Worker.class);

    final Sink sink = new Sink(TestJobs.pi(3_000_000L, 5L));

    @BeforeEach
    void worker() {
        given(worker.id()).willReturn(1);
        given(worker.pid()).willReturn(4242L);
    }

    @Test
    void anAnswerGoesToItsJobOnce() {
        byte[] partial = sink.request.computeEncoded(2);
        outcomes.answered(worker, sent(2, 0), new Message.Done(7, 123, 100, partial));
        assertThat(sink.done).containsExactly("2:123");
        assertThat(sink.tries).containsExactly("2:0:done");
        assertThat(attemptsHeard).containsExactly("2:done");
        assertThat(queue.poll()).as("nothing retried").isNull();
        assertThat(retried("error")).isZero();
    }

    @Test
    void aFailedTryIsRetriedUntilMaxAttemptsThenFailsTheShardNamingTheLastCause() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS - 1; attempt++) {
            outcomes.answered(worker, sent(4, attempt), new Message.Failed(7, "boom " + attempt));
            ShardTask again = queue.poll();
            assertThat(again).isNotNull();
            assertThat(again.shard()).isEqualTo(4);
            assertThat(again.attempt()).isEqualTo(attempt + 1);
            assertThat(again.sink()).isSameAs(sink);
        }
        assertThat(sink.failed).isEmpty();

        outcomes.answered(worker, sent(4, MAX_ATTEMPTS - 1), new Message.Failed(7, "boom 2"));
        assertThat(queue.poll()).as("no fourth try").isNull();
        assertThat(sink.failed).containsExactly("4:kind pi, shard 4 failed 3 times; last cause (error): boom 2");
        assertThat(retried("error")).isEqualTo(MAX_ATTEMPTS - 1);
        assertThat(sink.tries).containsExactly("4:0:failed", "4:1:failed", "4:2:failed");
    }

    @Test
    void aLostWorkersShardIsRetriedUnderItsReasonAndAnIdleOnesLossChangesNothing() {
        outcomes.lost(worker, sent(3, 0), "crash", "exit code 137");
        var again = queue.poll();
        assertThat(again.shard()).isEqualTo(3);
        assertThat(again.attempt()).isEqualTo(1);
        assertThat(retried("crash")).isEqualTo(1);
        assertThat(sink.tries).containsExactly("3:0:crash");

        outcomes.lost(worker, null, "crash", "exit code 1");
        assertThat(queue.poll()).isNull();
        assertThat(sink.tries).hasSize(1);
        assertThat(retried("crash")).isEqualTo(1);
    }

    @Test
    void aShardOfAJobThatEndedIsSkippedNotRetried() {
        sink.finished = true;
        outcomes.answered(worker, sent(5, 0), new Message.Failed(7, "boom"));
        outcomes.lost(worker, sent(6, 1), "timeout", "passed its deadline");
        assertThat(queue.poll()).isNull();
        assertThat(sink.skipped).containsExactly(5, 6);
        assertThat(sink.failed).isEmpty();
        assertThat(retried("error") + retried("timeout")).isZero();
    }

    private Assignment<ShardTask> sent(int shard, int attempt) {
        return new Assignment<>(new ShardTask(sink, shard, attempt), 7, System.nanoTime(), Long.MAX_VALUE);
    }

    private double retried(String reason) {
        var counter =
                registry.find("forkpool.shards.retried").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** What the job heard. */
    static final class Sink implements ShardSink {

        final JobRequest request;
        final List<String> done = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        final List<Integer> skipped = new ArrayList<>();
        final List<String> tries = new ArrayList<>();
        volatile boolean finished;

        Sink(JobRequest request) {
            this.request = request;
        }

        @Override
        public JobRequest request() {
            return request;
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public void dispatched() {}

        @Override
        public void shardDone(int shard, byte[] partial, long computeNanos) {
            done.add(shard + ":" + computeNanos);
        }

        @Override
        public void shardFailed(int shard, String problem) {
            failed.add(shard + ":" + problem);
        }

        @Override
        public void skipped(int shard) {
            skipped.add(shard);
        }

        @Override
        public void attemptEnded(ShardAttempt attempt) {
            tries.add(attempt.shard() + ":" + attempt.attempt() + ":" + attempt.outcome());
        }
    }
}
