package io.forkpool.worker.child;

import io.forkpool.kind.DiceRequest;
import io.forkpool.kind.JobRequest;
import io.forkpool.kind.PiRequest;
import io.forkpool.kind.ProjectileRequest;
import io.forkpool.kind.SineRequest;
import io.forkpool.kind.SmallestMultipleRequest;
import java.util.List;

/**
 * Runs every kernel before the worker says hello, so the first real shard meets compiled code
 * rather than the interpreter (cold kernels ran many times slower until C2 had compiled them).
 */
final class Warmup {

    private static final List<JobRequest> KINDS = List.of(
            new PiRequest(1L << 40, 1L).withDefaults(1),
            new ProjectileRequest(1L << 40, null, null, null, null, null, null, 1L).withDefaults(1),
            new DiceRequest(1L << 40, null, 1L).withDefaults(1),
            new SineRequest(30.0, 200).withDefaults(1),
            new SmallestMultipleRequest(1L << 40, 7L, null, null, 1L).withDefaults(1));

    private Warmup() {}

    static void run(long budgetMillis) {
        long end = System.nanoTime() + budgetMillis * 1_000_000;
        for (int round = 0; System.nanoTime() < end; round++) {
            for (var kind : KINDS) {
                kind.compute(round % kind.shardCount());
            }
        }
    }
}
