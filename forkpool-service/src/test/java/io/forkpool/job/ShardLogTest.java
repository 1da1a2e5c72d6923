package io.forkpool.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forkpool.dispatch.ShardAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The tries of a job's shards: kept one by one within their limits, summarised past them, never lost. */
class ShardLogTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A try of {@code shard} on the worker with {@code pid}, from {@code fromMs} to {@code toMs} after T0. */
    static ShardAttempt attempt(int shard, long pid, long fromMs, long toMs, String outcome) {
        return new ShardAttempt(
                shard, 0, (int) pid % 10, pid, null, T0.plusMillis(fromMs), T0.plusMillis(toMs), outcome);
    }

    @Test
    void withinItsLimitEveryTryIsKeptAsItCame() {
        var log = new ShardLog(new ShardLog.Budget(new TimelineSettings(10, 100)));
        log.record(attempt(0, 101, 0, 40, "done"));
        log.record(attempt(1, 102, 0, 50, "crash"));
        log.record(attempt(1, 101, 40, 90, "done"));

        var view = log.view();
        assertThat(view.summary()).isNull();
        assertThat(view.attempts()).isEqualTo(3);
        assertThat(view.detail())
                .extracting(ShardAttempt::shard, ShardAttempt::pid, ShardAttempt::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, 101L, "done"),
                        org.assertj.core.groups.Tuple.tuple(1, 102L, "crash"),
                        org.assertj.core.groups.Tuple.tuple(1, 101L, "done"));
    }

    @Test
    void pastItsLimitTheJobIsSummarisedPerWorkerWithItsBusyTimeAndFailures() {
        var log = new ShardLog(new ShardLog.Budget(new TimelineSettings(4, 100)));
        // two workers, back to back shards of 100 ms for 10 s; one failed try on each
        for (int i = 0; i < 100; i++) {
            log.record(attempt(2 * i, 101, i * 100L, i * 100L + 100, i == 7 ? "timeout" : "done"));
            log.record(attempt(2 * i + 1, 102, i * 100L, i * 100L + 50, i == 90 ? "failed" : "done"));
        }

        var view = log.view();
        assertThat(view.detail()).isNull();
        assertThat(view.attempts()).isEqualTo(200);
        var summary = view.summary();
        assertThat(summary.origin()).isEqualTo(T0);
        assertThat(summary.lanes()).extracting(ShardLog.Lane::pid).containsExactly(101L, 102L);
        var busy = summary.lanes().get(0);
        var half = summary.lanes().get(1);
        assertThat(busy.attempts()).isEqualTo(100);
        assertThat(busy.failed()).isEqualTo(1);
        assertThat(busy.busyTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(half.busyTime()).isEqualTo(Duration.ofSeconds(5));
        // 10 s in at most 120 buckets: 50 ms doubled until it fits, to 100 ms
        assertThat(summary.bucket()).isEqualTo(Duration.ofMillis(100));
        assertThat(busy.busy()).hasSize(120);
        assertThat(Arrays.stream(busy.busy(), 0, 100).boxed().toList())
                .allSatisfy(b -> assertThat(b).isCloseTo(1.0, within(1e-9)));
        assertThat(Arrays.stream(half.busy(), 0, 100).boxed().toList())
                .allSatisfy(b -> assertThat(b).isCloseTo(0.5, within(1e-9)));
        assertThat(Arrays.copyOfRange(busy.busy(), 100, 120)).containsOnly(0.0);
        // the summed busy fraction gives back the busy time
        assertThat(Arrays.stream(half.busy()).sum() * summary.bucket().toNanos())
                .isCloseTo(half.busyTime().toNanos(), within(1e3));
        assertThat(summary.marks()).extracting(ShardAttempt::outcome).containsExactly("timeout", "failed");
    }

    @Test
    void aJobThatRunsOnKeepsItsBucketsBoundedByWideningThem() {
        var log = new ShardLog(new ShardLog.Budget(new TimelineSettings(0, 100)));
        log.record(attempt(0, 101, 0, 1_000, "done"));
        log.record(attempt(1, 101, 3_600_000, 3_601_000, "done")); // an hour later

        var summary = log.view().summary();
        assertThat(summary.lanes().getFirst().busy()).hasSize(120);
        assertThat(summary.bucket().multipliedBy(120)).isGreaterThan(Duration.ofMillis(3_601_000));
        assertThat(summary.lanes().getFirst().busyTime()).isEqualTo(Duration.ofSeconds(2));
        assertThat(Arrays.stream(summary.lanes().getFirst().busy()).sum()
                        * summary.bucket().toNanos())
                .isCloseTo(2e9, within(1e3));
    }

    @Test
    void theStoreBudgetIsSharedByItsJobsAndComesBackWhenAJobIsForgotten() {
        var budget = new ShardLog.Budget(new TimelineSettings(10, 5));
        var first = new ShardLog(budget);
        var second = new ShardLog(budget);
        for (int i = 0; i < 4; i++) {
            first.record(attempt(i, 101, i, i + 1, "done"));
        }
        second.record(attempt(0, 102, 0, 1, "done"));
        second.record(attempt(1, 102, 1, 2, "done")); // the sixth try: over the store's 5

        assertThat(first.view().detail()).hasSize(4);
        assertThat(second.view().detail()).isNull();
        assertThat(second.view().summary().lanes().getFirst().attempts()).isEqualTo(2);
        assertThat(budget.left()).isEqualTo(1); // the summarised job gave its one try back

        first.release();
        assertThat(budget.left()).isEqualTo(5);
        first.record(attempt(9, 101, 9, 10, "done")); // an answer after the job was forgotten
        assertThat(budget.left()).isEqualTo(5);
    }
}
