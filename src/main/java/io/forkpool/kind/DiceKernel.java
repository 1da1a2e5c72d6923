package io.forkpool.kind;

/** Dice: rolls of a fair die with {@code faces} faces, counted per face. */
final class DiceKernel {

    static final int BLOCK_ROLLS = 1 << 16;

    /** 8.4M rolls: about 15 ms per shard on one core (measured ~1.8 ns per roll). */
    static final int BLOCKS_PER_SHARD = 128;

    private DiceKernel() {}

    /** Adds the rolls of block {@code block} to {@code counts} (index 0 is face 1). */
    static void roll(long seed, long block, int rolls, long[] counts) {
        var random = Xoshiro256.forBlock(seed, block);
        int faces = counts.length;
        for (int i = 0; i < rolls; i++) {
            counts[random.nextInt(faces)]++;
        }
    }
}
