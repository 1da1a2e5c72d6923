package io.forkpool.kind;

/** Monte Carlo pi: how many uniform points of the unit square fall inside the quarter circle. */
final class PiKernel {

    static final int BLOCK_SAMPLES = 1 << 16;

    /** 8.4M samples: about 16 ms per shard on one core (measured ~2 ns per sample). */
    static final int BLOCKS_PER_SHARD = 128;

    private PiKernel() {}

    /** Points of block {@code block} inside x² + y² ≤ 1, out of {@code samples}. */
    static long inside(long seed, long block, int samples) {
        var random = Xoshiro256.forBlock(seed, block);
        long inside = 0;
        for (int i = 0; i < samples; i++) {
            double x = random.nextDouble();
            double y = random.nextDouble();
            // Branch-free: the test is true ~79% of the time, too often wrong for a predictor.
            inside += (x * x + y * y <= 1.0) ? 1 : 0;
        }
        return inside;
    }
}
