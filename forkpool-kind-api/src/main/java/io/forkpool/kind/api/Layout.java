package io.forkpool.kind.api;

import java.util.Objects;

/**
 * How a job's units are cut. A block of {@code blockUnits} units is the unit of randomness (it has
 * its own stream, {@link Xoshiro256#forBlock}); a shard of {@code blocksPerShard} consecutive blocks
 * is the unit of dispatch. Both depend on the request alone, never on the number of workers. Since
 * a block's result depends on (seed, block) only and merges are exact, the grouping of blocks into
 * shards never changes a result. Only the last block and the last shard may be short.
 *
 * @param units work units of the whole job (samples, rolls, terms): progress and metrics count them
 * @param blockUnits units of one block
 * @param blocksPerShard blocks of one shard
 */
public record Layout(long units, int blockUnits, int blocksPerShard) {

    /** Shards a job aims for, so that it fans out over the workers even when it is small. */
    public static final int TARGET_SHARDS = 16;

    /** The smallest shard, in blocks: below it the per-shard cost of the service would dominate. */
    public static final int MIN_BLOCKS_PER_SHARD = 2;

    public Layout {
        if (units < 1 || blockUnits < 1 || blocksPerShard < 1) {
            throw new IllegalArgumentException("units, blockUnits and blocksPerShard must be positive: %d, %d, %d"
                    .formatted(units, blockUnits, blocksPerShard));
        }
    }

    /**
     * The layout of a job of {@code units}: about {@link #TARGET_SHARDS} shards, each of at least
     * {@link #MIN_BLOCKS_PER_SHARD} blocks and at most {@code maxBlocksPerShard} (aim for ~20 ms of
     * compute on one core), so small jobs fan out and big ones keep shards whose service cost is
     * negligible.
     */
    public static Layout forJob(long units, int blockUnits, int maxBlocksPerShard) {
        long blocks = Math.ceilDiv(units, blockUnits);
        long perShard = Math.clamp(Math.ceilDiv(blocks, TARGET_SHARDS), MIN_BLOCKS_PER_SHARD, maxBlocksPerShard);
        return new Layout(units, blockUnits, (int) perShard);
    }

    public long blocks() {
        return Math.ceilDiv(units, blockUnits);
    }

    /** Fails (ArithmeticException) rather than wraps if a job ever needs more than 2^31-1 shards. */
    public int shardCount() {
        return Math.toIntExact(Math.ceilDiv(blocks(), blocksPerShard));
    }

    public long firstBlock(int shard) {
        Objects.checkIndex(shard, shardCount());
        return (long) shard * blocksPerShard;
    }

    /** One past the last block of the shard. */
    public long endBlock(int shard) {
        return Math.min(firstBlock(shard) + blocksPerShard, blocks());
    }

    /** Units of one block: blockUnits, except for a short last block. */
    public int unitsOfBlock(long block) {
        Objects.checkIndex(block, blocks());
        return (int) Math.min(blockUnits, units - block * blockUnits);
    }

    /** Units of one shard; the shards' units add up to {@link #units}. */
    public long shardUnits(int shard) {
        long start = firstBlock(shard) * blockUnits;
        long end = Math.min(units, endBlock(shard) * blockUnits);
        return end - start;
    }
}
