package io.forkpool.kind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.forkpool.kind.JobResult.Bin;
import io.forkpool.kind.JobResult.ProjectileResult;
import io.forkpool.plugin.JobRequest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProjectileRequestTest {

    private static final long BLOCK = ProjectileKernel.BLOCK_SAMPLES;
    private static final long SHARD = BLOCK * ProjectileKernel.MAX_BLOCKS_PER_SHARD;

    private static JobRequest defaults(long samples) {
        return TestJobs.projectile(samples, null, null, null, null, null, null, 2024L);
    }

    @Test
    void defaultBinsSpanTheAnalyticMinimumAndMaximumRange() {
        // min: 30° (farther from 45°) at 99 m/s: 99²·sin 60° / 9.81 = 865.23 m;
        // max: 31° (nearer 45°) at 100 m/s: 100²·sin 62° / 9.81 = 900.05 m.
        var result = (ProjectileResult) Shards.run(defaults(100_000));
        assertEquals(20, result.bins().size());
        assertEquals(865.23, result.bins().getFirst().from(), 0.005);
        assertEquals(900.05, result.bins().getLast().to(), 0.005);
        assertEquals(result.minRange(), result.bins().getFirst().from());
        assertEquals(result.maxRange(), result.bins().getLast().to());
        assertEquals(100_000, result.samples());
        assertEquals(100_000, result.bins().stream().mapToLong(Bin::count).sum());
        for (int i = 1; i < 20; i++) {
            assertEquals(result.bins().get(i - 1).to(), result.bins().get(i).from(), "bins are contiguous");
        }
    }

    static Stream<JobRequest> intervals() {
        return Stream.of(
                defaults(40 * BLOCK + 4321),
                TestJobs.projectile(1_000_000L, 30, 10.0, 80.0, 10.0, 50.0, 1.62, 77L),
                TestJobs.projectile(1_000_000L, 7, 50.0, 89.0, 1.0, 2.0, 9.81, 78L));
    }

    @ParameterizedTest
    @MethodSource("intervals")
    void histogramMatchesTheRangeDistribution(JobRequest request) {
        // Bin i's count ~ Binomial(n, p_i) with p_i = F(to) - F(from), F the range's CDF from a
        // fine numeric integration. 5 sd per bin fails a correct kernel with probability 6e-7;
        // the integration error (midpoint rule, 20000 angles, < 1e-6 in F) is added to the
        // tolerance.
        var result = (ProjectileResult) Shards.run(request);
        long n = request.units();
        assertEquals(n, result.bins().stream().mapToLong(Bin::count).sum());
        for (Bin bin : result.bins()) {
            double p = rangeCdf((ProjectileRequest) request.params(), bin.to())
                    - rangeCdf((ProjectileRequest) request.params(), bin.from());
            double tolerance = 5 * Math.sqrt(n * p * (1 - p)) + n * 2e-6;
            assertEquals(n * p, bin.count(), tolerance, "bin " + bin);
        }
    }

    /**
     * P(range ≤ r) for angle ~ U[a1, a2] and speed ~ U[v1, v2]: for a fixed angle θ the range is
     * at most r when v ≤ sqrt(r·g / sin 2θ), a uniform probability; average it over θ.
     */
    private static double rangeCdf(ProjectileRequest q, double r) {
        int steps = 20_000;
        double a1 = Math.toRadians(q.angleMinDeg());
        double a2 = Math.toRadians(q.angleMaxDeg());
        double h = (a2 - a1) / steps;
        double sum = 0;
        for (int i = 0; i < steps; i++) {
            double sin2 = Math.sin(2 * (a1 + (i + 0.5) * h));
            double vMax = Math.sqrt(r * q.gravity() / sin2);
            sum += Math.clamp((vMax - q.speedMin()) / (q.speedMax() - q.speedMin()), 0.0, 1.0);
        }
        return sum / steps;
    }

    @Test
    void theExtremeDrawsFallInTheFirstAndLastBin() {
        var request = defaults(1);
        var kernel = new ProjectileKernel((ProjectileRequest) request.params());
        double max = ProjectileRange.range(31, 100, 9.81);
        assertEquals(max, kernel.maxRange(), "the sample at (31°, 100 m/s) is the maximum, bit for bit");
        // draws of 0 are (30°, 99 m/s), the minimum; draws of all ones one 53-bit step below (31°, 100 m/s)
        assertEquals(0, kernel.binOfDraws(0, 0));
        assertEquals(19, kernel.binOfDraws(-1L, -1L));
        assertEquals(10, kernel.binOfDraws(0, -1L), "30° at 100 m/s: 100²·sin 60° / 9.81 = 882.8 m, 50.5% of the span");
    }

    @Test
    void eachDrawsBinIsWhereItsRangeFallsBetweenTheEdges() {
        // The kernel's bin against the range of the same (angle, speed) by StrictMath.sin, binned
        // on the result's edges; a range within 1e-9 m of an edge may go either way (the kernel's
        // polynomial sine differs from StrictMath by a few ulps).
        var request = (ProjectileRequest)
                TestJobs.projectile(1L, 30, 10.0, 80.0, 10.0, 50.0, 1.62, 1L).params();
        var kernel = new ProjectileKernel(request);
        double width = (kernel.maxRange() - kernel.minRange()) / request.bins();
        var random = new java.util.SplittableRandom(7);
        int checked = 0;
        for (int i = 0; i < 100_000; i++) {
            long angleDraw = random.nextLong();
            long speedDraw = random.nextLong();
            double angle = request.angleMinDeg()
                    + (request.angleMaxDeg() - request.angleMinDeg()) * (angleDraw >>> 11) * 0x1.0p-53;
            double speed =
                    request.speedMin() + (request.speedMax() - request.speedMin()) * (speedDraw >>> 11) * 0x1.0p-53;
            double position = (ProjectileRange.range(angle, speed, request.gravity()) - kernel.minRange()) / width;
            if (Math.abs(position - Math.rint(position)) * width < 1e-9) {
                continue;
            }
            assertEquals(
                    Math.clamp((int) position, 0, request.bins() - 1),
                    kernel.binOfDraws(angleDraw, speedDraw),
                    "angle " + angle + ", speed " + speed);
            checked++;
        }
        assertTrue(checked > 99_000, "almost no draw is that close to an edge: " + checked);
    }

    @Test
    void anIntervalThroughFortyFiveDegreesPeaksAtSinNinety() {
        var request = TestJobs.projectile(1L, 10, 40.0, 50.0, 20.0, 30.0, 10.0, 1L);
        var kernel = new ProjectileKernel((ProjectileRequest) request.params());
        assertEquals(30.0 * 30.0 / 10.0, kernel.maxRange());
        // an angle draw of 2^63 is the middle of [40°, 50°]: 45°, at the top speed, the last bin
        assertEquals(9, kernel.binOfDraws(Long.MIN_VALUE, -1L));
        // 40° and 50° are equally far from 45°: either gives the minimum.
        assertEquals(20.0 * 20.0 * Math.sin(Math.toRadians(80)) / 10.0, kernel.minRange(), 1e-12);
    }

    @Test
    void aDegenerateIntervalPutsEverySampleInTheLastBin() {
        // max == min: the bins have zero width, and every sample is at the maximum.
        var request = TestJobs.projectile(1000L, 5, 30.0, 30.0, 50.0, 50.0, 9.81, 1L);
        var result = (ProjectileResult) Shards.run(request);
        assertEquals(
                List.of(0L, 0L, 0L, 0L, 1000L),
                result.bins().stream().map(Bin::count).toList());
        assertEquals(result.minRange(), result.maxRange());
    }

    @Test
    void sameSeedSameHistogramHoweverShardsAreMerged() {
        var request = defaults(40 * BLOCK + 17);
        var partials = Shards.computeAll(request);
        assertEquals(14, partials.size(), "41 blocks, 3 per shard");
        Partial inOrder = Shards.mergeInOrder(partials);
        for (long order = 0; order < 5; order++) {
            assertEquals(inOrder, Shards.mergeShuffled(partials, order));
        }
        assertEquals(inOrder, Shards.mergeInOrder(Shards.computeAll(defaults(40 * BLOCK + 17))));
        var otherSeed = TestJobs.projectile(40 * BLOCK + 17, 20, 30.0, 31.0, 99.0, 100.0, 9.81, 2025L);
        assertNotEquals(inOrder, Shards.mergeInOrder(Shards.computeAll(otherSeed)));
    }

    @Test
    void defaultsAndSharding() {
        var filled = TestJobs.projectile(10L, null, null, null, null, null, null, 5L);
        assertEquals(TestJobs.projectile(10L, 20, 30.0, 31.0, 99.0, 100.0, 9.81, 5L), filled);
        var given = TestJobs.projectile(10L, 3, 1.0, 2.0, 3.0, 4.0, 5.0, 6L);
        assertEquals("projectile", given.type());
        var request = defaults(2 * SHARD + 17);
        assertEquals(request.units(), Shards.totalShardUnits(request));
        int huge = defaults(TestJobs.MAX_UNITS).shardCount();
        assertEquals(Math.ceilDiv(TestJobs.MAX_UNITS, SHARD), huge);
        assertTrue(huge > 0);
    }
}
