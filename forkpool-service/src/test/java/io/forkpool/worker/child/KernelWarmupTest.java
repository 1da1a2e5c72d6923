package io.forkpool.worker.child;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.plugin.KindRegistry;
import io.forkpool.worker.child.KernelWarmup.Outcome;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * The warm-up loop's decisions on a fake clock: no kernel runs, no time passes, so nothing here
 * depends on the machine's speed or load.
 */
class KernelWarmupTest {

    static final long MS = 1_000_000;
    static final long BUDGET = 1000 * MS;

    /**
     * Fake kernels: each round of tiny calls costs {@code roundCpu} of CPU time; the tiny calls look
     * compiled from {@code tinyFastAt} on, and a probe round (costing {@code probeCpu}) is fast when
     * {@code probeFast} says so at the CPU time it starts.
     */
    static class Fake implements KernelWarmup.Clock, KernelWarmup.Kernels {
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
        public boolean probesFast(KernelWarmup.Clock clock) {
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
        assertThat(KernelWarmup.loop(BUDGET, fake, fake)).isEqualTo(Outcome.WARM);
        assertThat(fake.cpu)
                .as("ended soon after the second fast probe, long before 3x the budget")
                .isBetween(520 * MS, 600 * MS);
    }

    @Test
    void noProbeRunsWhileTheTinyCallsAreSlow() {
        var fake = new Fake();
        fake.tinyFastAt = 700 * MS;
        assertThat(KernelWarmup.loop(BUDGET, fake, fake)).isEqualTo(Outcome.WARM);
        assertThat(fake.probes).isEqualTo(2);
        assertThat(fake.cpu).isGreaterThanOrEqualTo(700 * MS);
    }

    @Test
    void oneSlowProbeBetweenFastOnesStartsTheCountAgain() {
        var fake = new Fake();
        var outcomes = new boolean[] {true, false, true, true};
        fake.probeFast = t -> outcomes[Math.min(fake.probes - 1, outcomes.length - 1)];
        assertThat(KernelWarmup.loop(BUDGET, fake, fake)).isEqualTo(Outcome.WARM);
        assertThat(fake.probes).isEqualTo(4);
    }

    @Test
    void probesAtMostEvery20MsOfCpuTime() {
        var fake = new Fake();
        fake.probeFast = t -> t >= 400 * MS;
        KernelWarmup.loop(BUDGET, fake, fake);
        // each probe round: 5 ms probe + 20 ms before the next, in 1-ms rounds of tiny calls
        assertThat(fake.probes).isBetween(14, 18);
    }

    @Test
    void coldWhenTheProbesStaySlowThrough3xTheBudgetOfCpuTime() {
        var fake = new Fake();
        fake.probeFast = t -> false;
        assertThat(KernelWarmup.loop(BUDGET, fake, fake)).isEqualTo(Outcome.COLD);
        assertThat(fake.cpu).isBetween(3 * BUDGET, 3 * BUDGET + 10 * MS);
    }

    @Test
    void coldWhenTheTinyCallsStaySlow() {
        var fake = new Fake();
        fake.tinyFastAt = Long.MAX_VALUE;
        assertThat(KernelWarmup.loop(BUDGET, fake, fake)).isEqualTo(Outcome.COLD);
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
        assertThat(KernelWarmup.loop(BUDGET, starved, starved)).isEqualTo(Outcome.WARM);
        assertThat(wall[0])
                .as("wall time that a wall-clock budget would have cut short")
                .isGreaterThan(30 * BUDGET);
    }

    @Test
    void theThreadClockCountsCpuTimeNotSleep() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.lang.management.ManagementFactory.getThreadMXBean().isCurrentThreadCpuTimeSupported(),
                "elsewhere the clock is wall time");
        var clock = KernelWarmup.ThreadClock.INSTANCE;
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

    /** The built-in kinds' probes, from their {@code workerWarmup()}, in the registry's (name) order: dice d6, dice d20, pi, projectile. */
    private static final List<KernelWarmup.Probe> PROBES =
            KernelWarmup.Calls.of(KindRegistry.builtIn()).probes();

    @Test
    void theBuiltInKindsProbeThreeVectorKernelsAndDiceAgainstPi() {
        assertThat(PROBES).extracting(p -> p.request().type()).containsExactly("dice", "dice", "pi", "projectile");
        assertThat(PROBES).extracting(p -> p.request().units()).allMatch(units -> units >= 1 << 20);
        assertThat(PROBES.get(0).against()).isEqualTo("pi");
        assertThat(PROBES.get(0).share()).isEqualTo(0.5);
        assertThat(KernelWarmup.Calls.of(KindRegistry.builtIn()).once())
                .extracting(r -> r.type())
                .containsExactly("sine", "smallest-multiple");
    }

    /** Rates in the probes' order: dice d6, dice d20, pi, projectile (units/ns). */
    @Test
    void compiledKernelsAreFastAndDiceIsFasterThanHalfOfPi() {
        assertThat(KernelWarmup.compiled(PROBES, new double[] {11, 1.8, 4.2, 1.1}))
                .as("Zen 5, AVX-512")
                .isTrue();
        assertThat(KernelWarmup.compiled(PROBES, new double[] {2.6, 0.4, 1.0, 0.25}))
                .as("a narrower vector unit")
                .isTrue();
        assertThat(KernelWarmup.compiled(PROBES, new double[] {0.6, 1.8, 4.2, 1.1}))
                .as("the slow dice mode")
                .isFalse();
        assertThat(KernelWarmup.compiled(PROBES, new double[] {0.02, 0.01, 0.01, 0.002}))
                .as("interpreted")
                .isFalse();
        assertThat(KernelWarmup.compiled(PROBES, new double[] {11, 1.8, 4.2, 0.05}))
                .as("one kernel not compiled")
                .isFalse();
    }
}
