package io.forkpool.kind;

import java.util.Objects;

/**
 * How a job's units are cut. A block of {@code blockUnits} units is the unit of randomness (it
 * has its own stream, {@link Xoshiro256#forBlock}); a shard of {@code blocksPerShard}
 * consecutive blocks is the unit of dispatch. Both sizes are fixed per kind, so the cut depends
 * on the request alone and never on the number of workers. Only the last block and the last shard
 * may be short.
 */
record BlockLayout(long units, int blockUnits, int blocksPerShard) {

    BlockLayout {
        if (units < 1 || blockUnits < 1 || blocksPerShard < 1) {
            throw new IllegalArgumentException(
                    "units, blockUnits and blocksPerShard must be positive: %d, %d, %d"
                            .formatted(units, blockUnits, blocksPerShard));
        }
    }

    long blocks() {
        return Math.ceilDiv(units, blockUnits);
    }

    /** Fails (ArithmeticException) rather than wraps if a job ever needs more than 2^31-1 shards. */
    int shardCount() {
        return Math.toIntExact(Math.ceilDiv(blocks(), blocksPerShard));
    }

    long firstBlock(int shard) {
        Objects.checkIndex(shard, shardCount());
        return (long) shard * blocksPerShard;
    }

    /** One past the last block of the shard. */
    long endBlock(int shard) {
        return Math.min(firstBlock(shard) + blocksPerShard, blocks());
    }

    /** Units of one block: blockUnits, except for a short last block. */
    int unitsOfBlock(long block) {
        Objects.checkIndex(block, blocks());
        return (int) Math.min(blockUnits, units - block * blockUnits);
    }

    /** Units of one shard; the shards' units add up to {@link #units}. */
    long shardUnits(int shard) {
        long start = firstBlock(shard) * blockUnits;
        long end = Math.min(units, endBlock(shard) * blockUnits);
        return end - start;
    }
}
