package io.forkpool.kind;

import io.forkpool.kind.Partial.Multiples;
import io.forkpool.kind.api.Xoshiro256;

/** Smallest multiple: uniform integers in [low, high), the multiples of a factor among them. */
final class SmallestMultipleKernel {

    static final int BLOCK_SAMPLES = 1 << 16;

    /**
     * 4.2M samples: 9-17 ms per shard on one core (measured 2 ns per sample when multiples are
     * rare, 4 ns when one draw in seven is a multiple and the branch mispredicts).
     */
    static final int BLOCKS_PER_SHARD = 64;

    private SmallestMultipleKernel() {}

    /** The multiples of {@code factor} among block {@code block}'s draws (smallest 0 if none). */
    static Multiples draw(long seed, long block, int samples, long factor, long low, long high) {
        var random = Xoshiro256.forBlock(seed, block);
        long span = high - low;
        long smallest = Long.MAX_VALUE;
        long count = 0;
        for (int i = 0; i < samples; i++) {
            long value = low + random.nextLong(span);
            if (value % factor == 0) {
                count++;
                smallest = Math.min(smallest, value);
            }
        }
        return new Multiples(count == 0 ? 0 : smallest, count);
    }
}
