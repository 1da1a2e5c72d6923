package io.forkpool.worker.child;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.worker.child.Warmup.Outcome;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * The warm-up loop's decisions on a fake clock: no kernel runs, no time passes, so nothing here
 * depends on the machine's speed or load.
 */
class WarmupLoopTest {

    static final long MS = 1_000_000;
    static final long BUDGET = 1000 * MS;

    /**
     * Fake kernels: each round of tiny calls costs {@code roundCpu} of CPU time; the tiny calls look
     * compiled from {@code tinyFastAt} on, and a probe round (costing {@code probeCpu}) is fast when
     * {@code probeFast} says so at the CPU time it starts.
     */
    static class Fake implements Warmup.Clock, Warmup.Kernels {
        long cpu;
        long roundCpu = MS;
        long probeCpu = 5 * MS;
        long tinyFastAt;
        LongPredicate probeFast = t -> true;
        int probes;

        @Override
        public long cpuNanos() {
            return cpu;
        }

        @Override
        public boolean tinyRound() {
            cpu += roundCpu;
            return cpu >= tinyFastAt;
        }

        @Override
        public boolean probesFast(Warmup.Clock clock) {
            probes++;
            boolean fast = probeFast.test(cpu);
            cpu += probeCpu;
            return fast;
        }
    }

    @Test
    void warmOnceTheProbesAreFastTwiceInARowAndNotBefore() {
        var fake = new Fake();
        fake.tinyFastAt = 300 * MS;
        fake.probeFast = t -> t >= 500 * MS;
        assertThat(Warmup.loop(BUDGET, fake, fake)).isEqualTo(Outcome.WARM);
        assertThat(fake.cpu)
                .as("ended soon after the second fast probe, long before 3x the budget")
                .isBetween(520 * MS, 600 * MS);
    }

    @Test
    void noProbeRunsWhileTheTinyCallsAreSlow() {
        var fake = new Fake();
        fake.tinyFastAt = 700 * MS;
        assertThat(Warmup.loop(BUDGET, fake, fake)).isEqualTo(Outcome.WARM);
        assertThat(fake.probes).isEqualTo(2);
        assertThat(fake.cpu).isGreaterThanOrEqualTo(700 * MS);
    }

    @Test
    void oneSlowProbeBetweenFastOnesStartsTheCountAgain() {
        var fake = new Fake();
        var outcomes = new boolean[] {true, false, true, true};
        fake.probeFast = t -> outcomes[Math.min(fake.probes - 1, outcomes.length - 1)];
        assertThat(Warmup.loop(BUDGET, fake, fake)).isEqualTo(Outcome.WARM);
        assertThat(fake.probes).isEqualTo(4);
    }

    @Test
    void probesAtMostEvery20MsOfCpuTime() {
        var fake = new Fake();
        fake.probeFast = t -> t >= 400 * MS;
        Warmup.loop(BUDGET, fake, fake);
        // each probe round: 5 ms probe + 20 ms before the next, in 1-ms rounds of tiny calls
        assertThat(fake.probes).isBetween(14, 18);
    }

    @Test
    void coldWhenTheProbesStaySlowThrough3xTheBudgetOfCpuTime() {
        var fake = new Fake();
        fake.probeFast = t -> false;
        assertThat(Warmup.loop(BUDGET, fake, fake)).isEqualTo(Outcome.COLD);
        assertThat(fake.cpu).isBetween(3 * BUDGET, 3 * BUDGET + 10 * MS);
    }

    @Test
    void coldWhenTheTinyCallsStaySlow() {
        var fake = new Fake();
        fake.tinyFastAt = Long.MAX_VALUE;
        assertThat(Warmup.loop(BUDGET, fake, fake)).isEqualTo(Outcome.COLD);
        assertThat(fake.probes).isZero();
    }

    /**
     * The budget is CPU time: a worker kept off the CPU (a loaded machine, a spare at idle
     * priority during a job) warms as long as it takes in wall time. Here wall time would pass
     * 3x the budget ten times over; the clock the loop reads only counts the worker's own CPU.
     */
    @Test
    void aWorkerKeptWaitingForACoreStillEndsWarm() {
        long[] wall = {0};
        var starved = new Fake() {
            @Override
            public boolean tinyRound() {
                wall[0] += 30 * MS; // 1 ms of CPU per 30 ms of wall time
                return super.tinyRound();
            }
        };
        starved.tinyFastAt = 900 * MS;
        starved.probeFast = t -> t >= 1200 * MS;
        assertThat(Warmup.loop(BUDGET, starved, starved)).isEqualTo(Outcome.WARM);
        assertThat(wall[0])
                .as("wall time that a wall-clock budget would have cut short")
                .isGreaterThan(30 * BUDGET);
    }

    @Test
    void theThreadClockCountsCpuTimeNotSleep() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.lang.management.ManagementFactory.getThreadMXBean().isCurrentThreadCpuTimeSupported(),
                "elsewhere the clock is wall time");
        var clock = Warmup.ThreadClock.INSTANCE;
        long t0 = clock.cpuNanos();
        Thread.sleep(50);
        long slept = clock.cpuNanos() - t0;
        assertThat(slept).as("a sleeping thread uses (almost) no CPU").isLessThan(40 * MS);
        long spinUntil = System.nanoTime() + 30 * MS;
        long t1 = clock.cpuNanos();
        while (System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
        }
        assertThat(clock.cpuNanos() - t1)
                .as("a spinning thread's CPU time advances")
                .isPositive();
    }

    /** Rates in the probes' order: pi, projectile, dice d6, dice d20 (units/ns). */
    @Test
    void compiledKernelsAreFastAndDiceIsFasterThanHalfOfPi() {
        assertThat(Warmup.compiled(new double[] {4.2, 1.1, 11, 1.8}))
                .as("Zen 5, AVX-512")
                .isTrue();
        assertThat(Warmup.compiled(new double[] {1.0, 0.25, 2.6, 0.4}))
                .as("a narrower vector unit")
                .isTrue();
        assertThat(Warmup.compiled(new double[] {4.2, 1.1, 0.6, 1.8}))
                .as("the slow dice mode")
                .isFalse();
        assertThat(Warmup.compiled(new double[] {0.01, 0.002, 0.02, 0.01}))
                .as("interpreted")
                .isFalse();
        assertThat(Warmup.compiled(new double[] {4.2, 0.05, 11, 1.8}))
                .as("one kernel not compiled")
                .isFalse();
    }
}
