package io.forkpool.kind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.forkpool.kind.JobResult.SmallestMultipleResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmallestMultipleRequestTest {

    private static final long SHARD =
            (long) SmallestMultipleKernel.BLOCK_SAMPLES * SmallestMultipleKernel.BLOCKS_PER_SHARD;

    @ParameterizedTest
    @CsvSource({
        // samples, factor, low, high
        "2000000, 7, 1, 1000",
        "2000000, 40, 1, 1000",
        "2000000, 97, 1001, 101001",
        "1000000, 3, 1, 1000000000000",
    })
    void multiplesAreBinomialAndTheSmallestIsFound(long n, long factor, long low, long high) {
        // A draw is a multiple with p = (multiples in [low, high)) / (high - low), so the count is
        // Binomial(n, p): within 5 sd. The first multiple of the range is missed with
        // probability (1 - 1/(high - low))^n: e^-2000 and e^-20 for the first three cases, so
        // the smallest must be it; the last case only checks it is a multiple in range.
        var request = TestJobs.smallestMultiple(n, factor, low, high, 31337L + factor);
        var result = (SmallestMultipleResult) Shards.run(request);
        long multiples = (high - 1) / factor - (low - 1) / factor;
        double p = (double) multiples / (high - low);
        assertEquals(n * p, result.multiples(), 5 * Math.sqrt(n * p * (1 - p)));
        long first = Math.ceilDiv(low, factor) * factor;
        if (high - low < n / 10) {
            assertEquals(first, result.smallest());
        } else {
            assertEquals(0, result.smallest() % factor);
            assertTrue(result.smallest() >= low && result.smallest() < high);
        }
    }

    @Test
    void noMultipleInRangeGivesNull() {
        var request = TestJobs.smallestMultiple(100_000L, 2000L, 1L, 1000L, 1L);
        var result = (SmallestMultipleResult) Shards.run(request);
        assertNull(result.smallest());
        assertEquals(0, result.multiples());
    }

    @Test
    void highIsExclusive() {
        // [1, 2) holds only 1; [999, 1000) holds only 999, so factor 1000 is never hit.
        var ones = (SmallestMultipleResult) Shards.run(TestJobs.smallestMultiple(1000L, 1L, 1L, 2L, 1L));
        assertEquals(1L, ones.smallest());
        assertEquals(1000, ones.multiples());
        var none = (SmallestMultipleResult) Shards.run(TestJobs.smallestMultiple(1000L, 1000L, 999L, 1000L, 1L));
        assertNull(none.smallest());
    }

    @Test
    void sameSeedSameResultHoweverShardsAreMerged() {
        var request = TestJobs.smallestMultiple(2 * SHARD + 5, 1234L, 1L, 1_000_000_000L, 9L);
        var partials = Shards.computeAll(request);
        assertEquals(3, partials.size());
        Partial inOrder = Shards.mergeInOrder(partials);
        for (long order = 0; order < 5; order++) {
            assertEquals(inOrder, Shards.mergeShuffled(partials, order));
        }
        var again = TestJobs.smallestMultiple(2 * SHARD + 5, 1234L, 1L, 1_000_000_000L, 9L);
        assertEquals(inOrder, Shards.mergeInOrder(Shards.computeAll(again)));
        var otherSeed = TestJobs.smallestMultiple(2 * SHARD + 5, 1234L, 1L, 1_000_000_000L, 10L);
        assertNotEquals(inOrder, Shards.mergeInOrder(Shards.computeAll(otherSeed)));
    }

    @Test
    void defaultsAndSharding() {
        assertEquals(
                TestJobs.smallestMultiple(10L, 7L, 1L, 1000L, 4L), TestJobs.smallestMultiple(10L, 7L, null, null, 4L));
        var given = TestJobs.smallestMultiple(10L, 7L, 5L, 50L, 6L);
        assertEquals("smallest-multiple", given.type());
        var request = TestJobs.smallestMultiple(3 * SHARD + 1, 7L, 1L, 1000L, 1L);
        assertEquals(4, request.shardCount());
        assertEquals(1, request.shardUnits(3));
        assertEquals(request.units(), Shards.totalShardUnits(request));
        int huge =
                TestJobs.smallestMultiple(TestJobs.MAX_UNITS, 7L, 1L, 1000L, 1L).shardCount();
        assertEquals(Math.ceilDiv(TestJobs.MAX_UNITS, SHARD), huge);
    }
}
