package io.forkpool.kind;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.forkpool.kind.JobResult.DiceResult;
import io.forkpool.kind.Partial.Histogram;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiceRequestTest {

    private static final long BLOCK = DiceKernel.BLOCK_ROLLS;
    /** The largest shard of a six-sided die. */
    private static final long SHARD = BLOCK * DiceKernel.MAX_BLOCKS_PER_SHARD;

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 6, 7, 20, 1000})
    void countsLookLikeAFairDie(int faces) {
        // Each count ~ Binomial(n, 1/faces); 5 sd bounds fail for a fair die with probability
        // 6e-7 per face (under 6e-4 for all 1000 faces together). Under uniformity the p-value
        // is itself uniform on [0, 1], so p < 1e-4 has probability 1e-4. A six-sided die 1%
        // heavy on one face is 6 sd off at n = 2·10^6 (chi-square ≈ 40, p ≈ 1e-7): both fail.
        long n = 2_000_000;
        var result = (DiceResult) Shards.run(TestJobs.dice(n, faces, 424242L + faces));
        assertEquals(faces, result.counts().length);
        assertEquals(n, Arrays.stream(result.counts()).sum());
        double p = 1.0 / faces;
        double sd = Math.sqrt(n * p * (1 - p));
        for (int face = 0; face < faces; face++) {
            assertEquals(n * p, result.counts()[face], 5 * sd, "face " + (face + 1));
            assertEquals((double) result.counts()[face] / n, result.frequencies()[face]);
        }
        assertTrue(result.pValue() > 1e-4, "p-value " + result.pValue());
    }

    @Test
    void finishComputesChiSquareAndItsPValue() {
        // Expected 20 per face: chi-square = (100 + 0 + 100) / 20 = 10 with 2 degrees of freedom,
        // whose survival function is exp(-x/2): p = e^-5.
        var result = (DiceResult) TestJobs.dice(60L, 3, 1L).finish(new Histogram(new long[] {10, 20, 30}));
        assertEquals(10.0, result.chiSquare(), 1e-12);
        assertEquals(Math.exp(-5), result.pValue(), 1e-12);
        assertArrayEquals(new long[] {10, 20, 30}, result.counts());
        assertArrayEquals(new double[] {10 / 60.0, 20 / 60.0, 30 / 60.0}, result.frequencies());
    }

    @Test
    void sameSeedSameCountsHoweverShardsAreMerged() {
        var request = TestJobs.dice(40 * BLOCK + 999, 6, 3L);
        var partials = Shards.computeAll(request);
        assertEquals(14, partials.size(), "41 blocks, 3 per shard");
        Partial inOrder = Shards.mergeInOrder(partials);
        for (long order = 0; order < 5; order++) {
            assertEquals(inOrder, Shards.mergeShuffled(partials, order));
        }
        var again = TestJobs.dice(40 * BLOCK + 999, 6, 3L);
        assertEquals(inOrder, Shards.mergeInOrder(Shards.computeAll(again)));
    }

    @Test
    void aShardIsTheSumOfItsBlocks() {
        var request = TestJobs.dice(5L * DiceKernel.BLOCK_ROLLS + 3, 6, 4L);
        long[] byBlock = new long[6];
        for (long b = 0; b < 6; b++) {
            DiceKernel.roll(4L, b, b < 5 ? DiceKernel.BLOCK_ROLLS : 3, byBlock);
        }
        assertEquals(3, request.shardCount(), "6 blocks, 2 per shard");
        assertEquals(new Histogram(byBlock), Shards.mergeInOrder(Shards.computeAll(request)));
    }

    @Test
    void differentSeedsGiveDifferentCounts() {
        assertNotEquals(
                TestJobs.dice(100_000L, 6, 1L).compute(0),
                TestJobs.dice(100_000L, 6, 2L).compute(0));
    }

    @Test
    void defaultsAndSharding() {
        assertEquals(TestJobs.dice(10L, 6, 8L), TestJobs.dice(10L, null, 8L));
        assertEquals(TestJobs.dice(10L, 20, 1L), TestJobs.dice(10L, 20, 1L));
        assertEquals("dice", TestJobs.dice(10L, 6, 1L).type());
        var request = TestJobs.dice(48 * SHARD - 1, 6, 1L);
        assertEquals(48, request.shardCount(), "big jobs get the largest shards");
        assertEquals(request.units(), Shards.totalShardUnits(request));
        int huge = TestJobs.dice(TestJobs.MAX_UNITS, 6, 1L).shardCount();
        assertEquals(Math.ceilDiv(TestJobs.MAX_UNITS, SHARD), huge);
        int hugeManyFaces = TestJobs.dice(TestJobs.MAX_UNITS, 20, 1L).shardCount();
        assertEquals(
                Math.ceilDiv(TestJobs.MAX_UNITS, BLOCK * DiceKernel.MAX_BLOCKS_PER_SHARD_MANY_FACES), hugeManyFaces);
    }
}
