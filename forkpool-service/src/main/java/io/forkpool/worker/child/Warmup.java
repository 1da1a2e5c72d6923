package io.forkpool.worker.child;

import io.forkpool.kind.DiceKind;
import io.forkpool.kind.DiceRequest;
import io.forkpool.kind.PiKind;
import io.forkpool.kind.PiRequest;
import io.forkpool.kind.ProjectileKind;
import io.forkpool.kind.ProjectileRequest;
import io.forkpool.kind.SineKind;
import io.forkpool.kind.SineRequest;
import io.forkpool.kind.SmallestMultipleKind;
import io.forkpool.kind.SmallestMultipleRequest;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.RequestFields;
import java.util.List;

/**
 * Runs every kernel before the worker says hello, so the first real shard meets compiled code.
 *
 * <p>The vector kernels are the reason: before C2 has compiled them every vector operation
 * allocates (hundreds of nanoseconds per sample), and a single long call can get stuck in slow
 * on-stack-replacement code for seconds. So the kernels are called on tiny jobs (one short block:
 * a few rounds of the vector loop plus a few leftover samples), round-robin, until C2 has compiled
 * the kernel methods whole; their loops then run as long as a real block needs. The worker's JVM
 * lowers the call counts that trigger compilation for the kernel classes (WorkerLauncher), and the
 * scalar kinds run only a few times, so the one C2 compiler thread is not busy with them. The tiny
 * jobs take every branch a full block takes (dice's counter flush too): compiled code that has
 * never seen a branch deoptimises on its first use, and C2 then compiles it twice more.
 *
 * <p>When every tiny vector call runs at compiled speed, the vector kernels are probed every
 * ~20 ms with a call shaped like a real shard (shard 0 of a mid-size job: full blocks, through
 * {@code compute}, as {@link WorkerMain} calls it). Warm-up ends once every probe runs at compiled
 * speed (≥ {@link #COMPILED_UNITS_PER_NANO} units/ns, twice in a row: a busy machine can make one
 * probe look fast or slow), or at 3× the budget whatever the probes say.
 * {@code -Dforkpool.worker.warmup-trace=true} prints every probe's speed on stderr.
 */
final class Warmup {

    /** Tiny jobs of one short block (32 lanes × 2 rounds + 1), cheap even before compilation. */
    private static final long SMALL = 65;

    /**
     * Dice draws 4 rolls per lane and round: 16 rounds and 5 leftover rolls. With up to 6 faces
     * the kernel flushes its packed counters every 15 rounds; fewer rounds left that branch out
     * of the profile, and the first full block deoptimised the compiled kernel (then C2 spent
     * ~0.5 s compiling it again, once on the stack and once whole).
     */
    private static final long SMALL_DICE = 16 * 128 + 5;

    private static final List<JobRequest> KINDS = List.of(
            pi(SMALL), projectile(SMALL), dice(SMALL_DICE, 6), dice(SMALL_DICE, 20));

    /**
     * The scalar kinds run a few times only, to load and initialise their classes: they are fast
     * in C1 code too, and in the loop they kept the one C2 compiler thread busy for ~0.4 s (an
     * on-stack-replacement compile of sine's term loop) while the vector kernels waited.
     */
    private static final List<JobRequest> SCALAR_KINDS = List.of(
            JobRequest.of(new SineKind(), new SineRequest(30.0, 200), null),
            JobRequest.of(new SmallestMultipleKind(),
                    RequestFields.withDefaults(new SmallestMultipleRequest(SMALL, 7L, null, null)), 1L));

    /**
     * Real-shard-shaped probes of the vector kernels: shard 0 of a mid-size job (a few full
     * blocks). Compiled: 0.5–11 units/ns; interpreted or C1 vector code: 0.0004–0.02.
     */
    private static final List<JobRequest> PROBES = List.of(
            pi(1L << 20), projectile(1L << 20), dice(1L << 21, 6), dice(1L << 20, 20));

    private static JobRequest pi(long samples) {
        return JobRequest.of(new PiKind(), new PiRequest(samples), 1L);
    }

    private static JobRequest projectile(long samples) {
        return JobRequest.of(new ProjectileKind(),
                RequestFields.withDefaults(new ProjectileRequest(samples, null, null, null, null, null, null)), 1L);
    }

    private static JobRequest dice(long rolls, int faces) {
        return JobRequest.of(new DiceKind(), new DiceRequest(rolls, faces), 1L);
    }

    /** Units per nanosecond (0.1 = 100 M/s) above which a probe counts as compiled. */
    static final double COMPILED_UNITS_PER_NANO = 0.1;

    private static final long PROBE_EVERY_NANOS = 20_000_000;

    /** A tiny vector call (65–2053 units) under this looks compiled (compiled: ~1 µs; cold: ~1 ms). */
    private static final long TINY_COMPILED_NANOS = 30_000;

    private Warmup() {}

    /** Runs the kernels until they are compiled, at most 3× {@code budgetMillis}; returns the rounds run. */
    static int run(long budgetMillis) {
        if (budgetMillis <= 0) {
            return 0;
        }
        long start = System.nanoTime();
        for (var kind : SCALAR_KINDS) {
            for (int i = 0; i < 3; i++) {
                kind.compute(i % kind.shardCount());
            }
        }
        long hardEnd = start + budgetMillis * 3_000_000;
        long nextProbe = start;
        int round = 0;
        int fastInARow = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= hardEnd) {
                System.err.printf("warm-up: %d ms, stopped at 3x the budget before every probe ran compiled%n",
                        (now - start) / 1_000_000);
                return round;
            }
            // The tiny calls time themselves for free; the shard-shaped probes cost ~100 ms while
            // the kernels are cold, so they only run once every tiny vector call looks compiled.
            boolean tinyFast = true;
            for (int k = 0; k < KINDS.size(); k++) {
                var kind = KINDS.get(k);
                long t0 = System.nanoTime();
                kind.compute(round % kind.shardCount());
                tinyFast &= System.nanoTime() - t0 < TINY_COMPILED_NANOS;
            }
            round++;
            now = System.nanoTime();
            if (now >= nextProbe && tinyFast) {
                if (TRACE) {
                    System.err.printf("warm-up: %d ms, %d rounds: probing%n", (now - start) / 1_000_000, round);
                }
                fastInARow = probesFast() ? fastInARow + 1 : 0;
                if (fastInARow >= 2) {
                    if (TRACE) {
                        System.err.printf("warm-up: done in %d ms%n", (System.nanoTime() - start) / 1_000_000);
                    }
                    return round;
                }
                nextProbe = System.nanoTime() + PROBE_EVERY_NANOS;
            }
        }
    }

    /** {@code -Dforkpool.worker.warmup-trace=true}: each probe's speed on stderr (the worker's log). */
    private static final boolean TRACE = Boolean.getBoolean("forkpool.worker.warmup-trace");

    /** True when every probe ran at compiled speed. Runs them all: each call trains its kernel. */
    private static boolean probesFast() {
        boolean fast = true;
        var trace = TRACE ? new StringBuilder("warm-up probes (units/ns):") : null;
        for (var probe : PROBES) {
            long t0 = System.nanoTime();
            probe.compute(0);
            long nanos = System.nanoTime() - t0;
            fast &= probe.shardUnits(0) >= COMPILED_UNITS_PER_NANO * nanos;
            if (trace != null) {
                trace.append(' ').append(probe.type()).append('=')
                        .append(String.format(java.util.Locale.ROOT, "%.3f", probe.shardUnits(0) / (double) nanos));
            }
        }
        if (trace != null) {
            System.err.println(trace);
        }
        return fast;
    }
}
