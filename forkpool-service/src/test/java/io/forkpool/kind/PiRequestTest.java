package io.forkpool.kind;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.forkpool.kind.JobResult.PiResult;
import io.forkpool.kind.Partial.PiCount;
import org.junit.jupiter.api.Test;

class PiRequestTest {

    private static final long BLOCK = PiKernel.BLOCK_SAMPLES;
    /** The largest shard, the size of every shard of a big job. */
    private static final long SHARD = BLOCK * PiKernel.MAX_BLOCKS_PER_SHARD;

    @Test
    void estimatesPiWithinFiveStandardErrors() {
        // inside ~ Binomial(n, π/4); the estimate 4·inside/n has sd 4·sqrt(p(1-p)/n) ≈ 5.2e-4 for
        // n = 10^7. A correct kernel lands outside 5 sd with probability 6e-7; a bias of 0.1%
        // (about 6 sd) from a flawed generator or inside test would fail.
        long n = 10_000_000;
        var result = (PiResult) Shards.run(TestJobs.pi(n, 20260501L));
        double p = Math.PI / 4;
        double sd = 4 * Math.sqrt(p * (1 - p) / n);
        assertEquals(Math.PI, result.estimate(), 5 * sd);
        assertEquals(n, result.samples());
        assertEquals(4.0 * result.inside() / n, result.estimate());
        assertEquals(sd, result.stdError(), sd * 0.01, "stdError uses the observed p ≈ π/4");
        assertArrayEquals(
                new double[] {
                    result.estimate() - 1.959963984540054 * result.stdError(),
                    result.estimate() + 1.959963984540054 * result.stdError()
                },
                result.ci95());
    }

    @Test
    void finishComputesTheContractsFormulas() {
        var result = (PiResult) TestJobs.pi(1000L, 1L).finish(new PiCount(750, 1000));
        assertEquals(3.0, result.estimate());
        double stdError = 4 * Math.sqrt(0.75 * 0.25 / 1000);
        assertEquals(stdError, result.stdError(), 1e-15);
        assertEquals(3.0 - 1.959963984540054 * stdError, result.ci95()[0], 1e-15);
        assertEquals(3.0 + 1.959963984540054 * stdError, result.ci95()[1], 1e-15);
    }

    @Test
    void sameSeedSameResultHoweverShardsAreMerged() {
        // 41 blocks: 3 blocks per shard (41/16 rounded up), 14 shards, the last one short.
        long n = 40 * BLOCK + 12_345;
        var request = TestJobs.pi(n, 7L);
        assertEquals(14, request.shardCount());
        var partials = Shards.computeAll(request);
        Partial inOrder = Shards.mergeInOrder(partials);
        for (long order = 0; order < 5; order++) {
            assertEquals(inOrder, Shards.mergeShuffled(partials, order));
        }
        assertEquals(inOrder, Shards.mergeInOrder(Shards.computeAll(TestJobs.pi(n, 7L))));
        assertEquals(n, ((PiCount) inOrder).samples());
    }

    @Test
    void aShardIsTheSumOfItsBlocksSoAnyGroupingOfBlocksGivesTheSameCount() {
        var request = TestJobs.pi(35 * BLOCK + 10, 11L);
        long byBlock = 0;
        long blocks = Math.ceilDiv(request.units(), PiKernel.BLOCK_SAMPLES);
        for (long b = 0; b < blocks; b++) {
            int n = (int) Math.min(PiKernel.BLOCK_SAMPLES, request.units() - b * PiKernel.BLOCK_SAMPLES);
            byBlock += PiKernel.inside(11L, b, n);
        }
        var merged = (PiCount) Shards.mergeInOrder(Shards.computeAll(request));
        assertEquals(byBlock, merged.inside());
    }

    @Test
    void differentSeedsGiveDifferentCounts() {
        var a = (PiCount) TestJobs.pi(1_000_000L, 1L).compute(0);
        var b = (PiCount) TestJobs.pi(1_000_000L, 2L).compute(0);
        assertNotEquals(a.inside(), b.inside());
    }

    @Test
    void shardUnitsAddUpAndTenToTheThirteenSamplesGiveAnIntShardCount() {
        var request = TestJobs.pi(2 * SHARD + 12_345, 7L);
        assertEquals(16, request.shardCount(), "2049 blocks: 129 per shard");
        assertEquals(request.units(), Shards.totalShardUnits(request));
        assertEquals(2 * SHARD + 12_345 - 15 * 129 * BLOCK, request.shardUnits(15));

        var huge = TestJobs.pi(TestJobs.MAX_UNITS, 1L);
        int shards = huge.shardCount();
        assertEquals(Math.ceilDiv(10_000_000_000_000L, SHARD), shards);
        assertTrue(shards > 1000 && shards < 10_000_000, "shards: " + shards);
        assertEquals(SHARD, huge.shardUnits(0));
        assertEquals(10_000_000_000_000L - (shards - 1) * SHARD, huge.shardUnits(shards - 1));
    }

    @Test
    void defaultsFillTheSeedOnlyWhenAbsent() {
        assertEquals(TestJobs.pi(10L, 99L), TestJobs.pi(10L, 99L));
        assertEquals(TestJobs.pi(10L, 5L), TestJobs.pi(10L, 5L));
        assertEquals("pi", TestJobs.pi(10L, 5L).type());
    }
}
