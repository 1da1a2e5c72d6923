package io.forkpool.kind.api;

import java.util.List;

/**
 * What a worker process runs before it takes its first shard, so that this kind's kernel is
 * compiled by then ({@link JobKind#workerWarmup()}). Requests may leave fields null for their
 * {@link Default}s; a seeded kind's run with seed 1.
 *
 * <p>A kernel that is slow until the JIT's C2 compiler has compiled it (a Vector API kernel
 * allocates for every vector operation before that) gives {@code tiny} requests, of one short
 * block each, which the worker calls round after round, in turns with the other kinds', until
 * every tiny call takes under 30 µs; then its {@code probes}, shaped like a real shard, which must
 * reach a rate of {@link #COMPILED_UNITS_PER_NANO}. A kernel that is fast without C2 gives
 * {@code once}: requests whose first shards run three times, to load and initialise its classes
 * without keeping the one C2 compiler thread busy. Every tiny and once request also goes once
 * through the worker's frames (request and partial decoded and encoded), as a real shard does.
 *
 * @param tiny requests of one short block, called until they run compiled
 * @param probes shard-shaped requests, timed once the tiny calls run compiled
 * @param once requests run three times before the loop
 */
public record WorkerWarmup<R extends Record>(List<R> tiny, List<Probe<R>> probes, List<R> once) {

    /** Units per nanosecond (0.1 = 100 M/s) above which a probe counts as compiled. */
    public static final double COMPILED_UNITS_PER_NANO = 0.1;

    public WorkerWarmup {
        tiny = List.copyOf(tiny);
        probes = List.copyOf(probes);
        once = List.copyOf(once);
    }

    /** A kernel fast without C2: {@code requests} run three times, to load its classes. */
    @SafeVarargs
    public static <R extends Record> WorkerWarmup<R> once(R... requests) {
        return new WorkerWarmup<>(List.of(), List.of(), List.of(requests));
    }

    /**
     * A probe: shard 0 of {@code request}, timed in units per nanosecond of the warm-up thread's CPU
     * time. Compiled when at least {@link #COMPILED_UNITS_PER_NANO} and, if {@code against} names an
     * installed kind, at least {@code share} times the rate of that kind's first probe (a kernel
     * compiled badly can run far above the floor and still far below its own speed).
     */
    public record Probe<R extends Record>(R request, String against, double share) {

        public Probe(R request) {
            this(request, null, 0);
        }
    }
}
