package io.forkpool.kind.api;

/**
 * One shard of a job as its kernel sees it: a run of consecutive blocks of the {@link Layout}, and
 * the random stream of each block.
 *
 * <pre>{@code
 * for (long block = shard.firstBlock(); block < shard.endBlock(); block++) {
 *     Xoshiro256 random = shard.random(block);
 *     for (int i = 0; i < shard.unitsOfBlock(block); i++) { ... random.nextDouble() ... }
 * }
 * }</pre>
 */
public final class Shard {

    private final int index;
    private final Layout layout;
    private final long seed;

    /** Made by forkpool (and by a kind's own tests); {@code seed} is the job's. */
    public Shard(int index, Layout layout, long seed) {
        layout.firstBlock(index);
        this.index = index;
        this.layout = layout;
        this.seed = seed;
    }

    /** 0 to {@code layout.shardCount() - 1}. */
    public int index() {
        return index;
    }

    public Layout layout() {
        return layout;
    }

    /** The first block of this shard. */
    public long firstBlock() {
        return layout.firstBlock(index);
    }

    /** One past the last block of this shard. */
    public long endBlock() {
        return layout.endBlock(index);
    }

    /** Units of {@code block}: the layout's block size, less for the job's last block. */
    public int unitsOfBlock(long block) {
        return layout.unitsOfBlock(block);
    }

    /** Units of this shard. */
    public long units() {
        return layout.shardUnits(index);
    }

    /**
     * A new random stream for {@code block}, the same for the same (seed, block) on every worker,
     * replica and retry. Each call starts the stream afresh.
     */
    public Xoshiro256 random(long block) {
        return Xoshiro256.forBlock(seed, block);
    }

    /** The job's seed, for kernels that derive their streams themselves (the vector kernels do). */
    public long seed() {
        return seed;
    }
}
