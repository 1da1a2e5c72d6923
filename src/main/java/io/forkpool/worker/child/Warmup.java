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
            new SmallestMultipleRequest(1L << 40, 7L, null, null, 1L).withDefaults(1));

    private Warmup() {}

    /** Runs the kernels for about {@code budgetMillis}; returns the rounds run. */
    static int run(long budgetMillis) {
        long end = System.nanoTime() + budgetMillis * 1_000_000;
        int round = 0;
        while (System.nanoTime() < end) {
            for (var kind : KINDS) {
                kind.compute(round % kind.shardCount());
            }
            round++;
        }
        return round;
    }
}
