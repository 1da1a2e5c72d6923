package io.forkpool.kind.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LayoutTest {

    @ParameterizedTest
    @CsvSource({
        "1, 65536, 128, 1",
        "65536, 65536, 128, 1",
        "8388608, 65536, 128, 1",
        "8388609, 65536, 128, 2",
        "25000000, 65536, 128, 3",
        "17, 1, 8, 3",
        "16, 1, 8, 2",
    })
    void shardsCoverEveryUnitOnce(long units, int blockUnits, int blocksPerShard, int shards) {
        var layout = new Layout(units, blockUnits, blocksPerShard);
        assertEquals(shards, layout.shardCount());
        long total = 0;
        long blockTotal = 0;
        long expectedFirst = 0;
        for (int shard = 0; shard < shards; shard++) {
            assertEquals(expectedFirst, layout.firstBlock(shard), "shards are consecutive runs");
            total += layout.shardUnits(shard);
            for (long b = layout.firstBlock(shard); b < layout.endBlock(shard); b++) {
                blockTotal += layout.unitsOfBlock(b);
            }
            expectedFirst = layout.endBlock(shard);
        }
        assertEquals(units, total);
        assertEquals(units, blockTotal);
        assertEquals(layout.blocks(), expectedFirst);
    }

    @ParameterizedTest
    @CsvSource({"-1", "3"})
    void rejectsShardsOutsideTheJob(int shard) {
        var layout = new Layout(25_000_000, 65536, 128);
        assertThrows(IndexOutOfBoundsException.class, () -> layout.shardUnits(shard));
    }
}
