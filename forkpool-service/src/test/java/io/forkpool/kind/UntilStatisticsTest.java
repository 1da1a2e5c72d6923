package io.forkpool.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.kind.JobResult.PiResult;
import io.forkpool.plugin.JobRequest;
import org.junit.jupiter.api.Test;

/**
 * Pi jobs stopped by the prefix rule are honest estimates: over 1,000 fixed seeds every stopped
 * estimate meets its stdError target, and its 95% interval covers π at the nominal rate.
 *
 * <p>The number of the 1,000 intervals that cover π is Binomial(1000, 0.95) if the intervals are
 * right (mean 950, sd sqrt(1000·0.95·0.05) = 6.89). The test accepts 950 ± 4 sd, [923, 977]: a
 * correct implementation falls outside with probability about 6·10⁻⁵ (and the seeds are fixed, so
 * it either always passes or never does). An interval that ignored the stopping or was half as
 * wide would cover about 68% of the time, far outside.
 */
class UntilStatisticsTest {

    static final int SEEDS = 1000;
    static final double TARGET = 0.002;

    @Test
    void stoppedEstimatesMeetTheTargetAndCoverPiAtTheNominalRate() {
        int covered = 0;
        long shardsUsed = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            JobRequest job = TestJobs.piUntil(3_000_000L, seed, TARGET);
            var prefix = TestJobs.prefix(job);
            var result = (PiResult) job.finish(prefix.merged());
            assertThat(result.stdError()).as("seed %d", seed).isLessThanOrEqualTo(TARGET);
            assertThat(prefix.shards())
                    .as("seed %d stopped before the cap", seed)
                    .isLessThan(job.shardCount());
            assertThat(result.samples()).isEqualTo(job.unitsOfShards(prefix.shards()));
            if (result.ci95()[0] <= Math.PI && Math.PI <= result.ci95()[1]) {
                covered++;
            }
            shardsUsed += prefix.shards();
        }
        double sd = Math.sqrt(SEEDS * 0.95 * 0.05);
        assertThat((double) covered)
                .as("intervals covering pi, of %d (%d shards used in all)", SEEDS, shardsUsed)
                .isBetween(SEEDS * 0.95 - 4 * sd, SEEDS * 0.95 + 4 * sd);
    }
}
