package io.forkpool.web;

import java.util.ArrayDeque;

/**
 * Decides, from samples of the JVM's total compile time, when the JIT has gone quiet after the worker
 * pool became ready. Not thread-safe: one sampler thread feeds it.
 */
final class CompilerQuiet {

    private record Sample(long nanos, long compileMillis) {}

    private final long windowNanos;
    private final long budgetMillis;
    private final long maxNanos;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long poolReadyAt = -1;
    private boolean quiet;
    private boolean capped;

    CompilerQuiet(ReadinessSettings settings) {
        this.windowNanos = settings.quietWindow().toNanos();
        this.budgetMillis = settings.quietWindow().toMillis() / 10;
        this.maxNanos = settings.quietMax().toNanos();
        this.quiet = maxNanos == 0;
    }

    /**
     * One sample; returns whether the JIT is (now, or was once) quiet. Before the pool is ready
     * nothing counts: the workers' warm-up is what readiness waits for first.
     */
    boolean offer(long nanos, long compileMillis, boolean poolReady) {
        if (quiet) {
            return true;
        }
        if (!poolReady) {
            return false;
        }
        if (poolReadyAt < 0) {
            poolReadyAt = nanos;
        }
        samples.addLast(new Sample(nanos, compileMillis));
        while (samples.size() > 1 && nanos - samples.peekFirst().nanos() > windowNanos) {
            samples.removeFirst();
        }
        // The oldest kept sample is at most a window old; the one before it was dropped, so the
        // samples span almost the window once they have been taken for that long.
        Sample first = samples.peekFirst();
        boolean spans = nanos - poolReadyAt >= windowNanos;
        if (spans && compileMillis - first.compileMillis() <= budgetMillis) {
            quiet = true;
        } else if (nanos - poolReadyAt >= maxNanos) {
            quiet = true;
            capped = true;
        }
        return quiet;
    }

    boolean quiet() {
        return quiet;
    }

    /** Whether it was declared quiet by the cap, not by a quiet window. */
    boolean capped() {
        return capped;
    }
}
