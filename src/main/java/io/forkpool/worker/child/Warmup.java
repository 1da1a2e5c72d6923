package io.forkpool.worker.child;

import io.forkpool.kind.DiceRequest;
import io.forkpool.kind.JobRequest;
import io.forkpool.kind.PiRequest;
import io.forkpool.kind.ProjectileRequest;
import io.forkpool.kind.SineRequest;
import io.forkpool.kind.SmallestMultipleRequest;
import java.util.List;

/**
 * Runs every kernel before the worker says hello, so the first real shard meets compiled code.
 *
 * <p>The vector kernels are the reason: before C2 has compiled them every vector operation
 * allocates (hundreds of nanoseconds per sample), and a single long call can get stuck in slow
 * on-stack-replacement code for seconds. C2 compiles a method after some thousands of calls, so
 * the kernels are called on tiny jobs (one short block: 2 rounds of the vector loop plus a few
 * leftover samples), round-robin, thousands of times, until the budget (1 s by default) is spent;
 * C2 then compiles the kernel methods whole, and their loops run as long as a real block needs.
 * (Blocks of 1029 samples made 5 times fewer calls in the same time and left the kernels in C1
 * code.) Both dice paths (up to 6 faces, and more) are warmed. On a busy 2-core machine the C2
 * compilation of the four big kernel methods can outlast 1 s: see docs/benchmarks.md.
 *
 * <p>So the budget is not trusted blindly: from half the budget on, every ~50 ms the vector
 * kernels are probed with a call shaped like a real shard (shard 0 of a mid-size job: full
 * blocks, through {@code compute}, as {@link WorkerMain} calls it), which also trains the
 * profile on the full-block path a real shard takes (the tiny calls never take it, and compiled
 * code that has never seen a branch deoptimises on its first use). Warm-up ends once every probe
 * runs at compiled speed (≥ {@link #COMPILED_UNITS_PER_NANO} units/ns, twice in a row: a busy
 * machine can make one probe look fast or slow), or at 3× the budget whatever the probes say.
 * On a quiet machine the worker says hello before the budget; on a loaded one, later but warm.
 */
final class Warmup {

    /** Tiny jobs of one short block (32 lanes × 2 rounds + 1), cheap even before compilation. */
    private static final long SMALL = 65;

    /** Dice draws 4 rolls per lane and round: 2 rounds and 5 leftover rolls. */
    private static final long SMALL_DICE = 261;

    private static final List<JobRequest> KINDS = List.of(
            new PiRequest(SMALL, 1L).withDefaults(1),
            new ProjectileRequest(SMALL, null, null, null, null, null, null, 1L).withDefaults(1),
            new DiceRequest(SMALL_DICE, 6, 1L).withDefaults(1),
            new DiceRequest(SMALL_DICE, 20, 1L).withDefaults(1),
            new SineRequest(30.0, 200).withDefaults(1),
            new SmallestMultipleRequest(SMALL, 7L, null, null, 1L).withDefaults(1));

    /**
     * Real-shard-shaped probes of the vector kernels: shard 0 of a mid-size job (a few full
     * blocks). Compiled: 0.5–11 units/ns; interpreted or C1 vector code: 0.0004–0.02.
     */
    private static final List<JobRequest> PROBES = List.of(
            new PiRequest(1L << 20, 1L).withDefaults(1),
            new ProjectileRequest(1L << 20, null, null, null, null, null, null, 1L).withDefaults(1),
            new DiceRequest(1L << 21, 6, 1L).withDefaults(1),
            new DiceRequest(1L << 20, 20, 1L).withDefaults(1));

    /** Units per nanosecond (0.1 = 100 M/s) above which a probe counts as compiled. */
    static final double COMPILED_UNITS_PER_NANO = 0.1;

    private static final long PROBE_EVERY_NANOS = 20_000_000;

    /** The first {@code VECTOR_KINDS} of {@link #KINDS} use the Vector API. */
    private static final int VECTOR_KINDS = 4;

    /** A tiny vector call (65–261 units) under this looks compiled (compiled: ~1 µs; cold: ~1 ms). */
    private static final long TINY_COMPILED_NANOS = 30_000;

    private Warmup() {}

    /** Runs the kernels until they are compiled (see the class comment); returns the rounds run. */
    static int run(long budgetMillis) {
        if (budgetMillis <= 0) {
            return 0;
        }
        long start = System.nanoTime();
        long firstProbe = start + budgetMillis * 500_000;
        long hardEnd = start + budgetMillis * 3_000_000;
        long nextProbe = firstProbe;
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
                tinyFast &= k >= VECTOR_KINDS || System.nanoTime() - t0 < TINY_COMPILED_NANOS;
            }
            round++;
            now = System.nanoTime();
            if (now >= nextProbe && tinyFast) {
                fastInARow = probesFast() ? fastInARow + 1 : 0;
                if (fastInARow >= 2) {
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
