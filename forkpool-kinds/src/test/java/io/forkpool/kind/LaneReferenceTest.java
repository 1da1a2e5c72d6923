package io.forkpool.kind;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector kernels against a plain scalar reading of the block layout documented in
 * {@link Lanes}: lane by lane, one generator at a time, no vectors. Equality here means a block's
 * result does not depend on the vector width (nor on how the lanes are grouped into sets), only
 * on (seed, block): the same on any CPU, any number of workers.
 */
class LaneReferenceTest {

    /** One logical lane: xoshiro256 with the + or ++ scrambler. */
    private static final class Lane {
        long s0, s1, s2, s3;

        Lane(long[] state, int j) {
            s0 = state[j];
            s1 = state[Lanes.LANES + j];
            s2 = state[2 * Lanes.LANES + j];
            s3 = state[3 * Lanes.LANES + j];
        }

        long nextPlus() {
            long result = s0 + s3;
            step();
            return result;
        }

        long nextPlusPlus() {
            long result = Long.rotateLeft(s0 + s3, 23) + s0;
            step();
            return result;
        }

        private void step() {
            long t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = Long.rotateLeft(s3, 45);
        }
    }

    static long piReference(long seed, long block, int samples) {
        long[] state = new long[4 * Lanes.LANES];
        var random = Lanes.seed(seed, block, state);
        int rounds = samples / Lanes.LANES;
        long inside = 0;
        for (int j = 0; j < Lanes.LANES; j++) {
            var lane = new Lane(state, j);
            for (int r = 0; r < rounds; r++) {
                double x = (lane.nextPlus() >>> 11) * 0x1.0p-53;
                double y = (lane.nextPlus() >>> 11) * 0x1.0p-53;
                inside += x * x + y * y <= 1.0 ? 1 : 0;
            }
        }
        for (int i = rounds * Lanes.LANES; i < samples; i++) {
            double x = random.nextDouble();
            double y = random.nextDouble();
            inside += x * x + y * y <= 1.0 ? 1 : 0;
        }
        return inside;
    }

    static long[] diceReference(long seed, long block, int rolls, int faces) {
        long[] state = new long[4 * Lanes.LANES];
        var random = Lanes.seed(seed, block, state);
        int draws = rolls / (4 * Lanes.LANES);
        long[] counts = new long[faces];
        long rolled = 0;
        for (int j = 0; j < Lanes.LANES; j++) {
            var lane = new Lane(state, j);
            for (int r = 0; r < draws; r++) {
                long w = lane.nextPlusPlus();
                for (int c = 0; c < 4; c++) {
                    int face = DiceChunkTest.faceOf((int) (w >>> (16 * c)) & 0xFFFF, faces);
                    if (face >= 0) {
                        counts[face]++;
                        rolled++;
                    }
                }
            }
        }
        for (long i = rolled; i < rolls; i++) {
            counts[random.nextInt(faces)]++;
        }
        return counts;
    }

    static long[] projectileReference(ProjectileKernel kernel, int bins, long seed, long block, int samples) {
        long[] state = new long[4 * Lanes.LANES];
        var random = Lanes.seed(seed, block, state);
        int rounds = samples / Lanes.LANES;
        long[] counts = new long[bins];
        for (int j = 0; j < Lanes.LANES; j++) {
            var lane = new Lane(state, j);
            for (int r = 0; r < rounds; r++) {
                long angle = lane.nextPlus();
                counts[kernel.binOfDraws(angle, lane.nextPlus())]++;
            }
        }
        for (int i = rounds * Lanes.LANES; i < samples; i++) {
            counts[kernel.binOfDraws(random.nextLong(), random.nextLong())]++;
        }
        return counts;
    }

    /**
     * The build runs this class again with narrower vectors (forkpool-service/pom.xml, profile
     * lane-widths) and says which width that JVM must pick: proof the run tested that width.
     */
    @Test
    void runsAtTheVectorWidthTheBuildAskedFor() {
        Integer expected = Integer.getInteger("lanes.expected-width");
        assumeTrue(expected != null, "only in the build's runs at a forced vector width");
        assertEquals(expected, Lanes.WIDTH);
    }

    @ParameterizedTest
    @CsvSource({"1, 0, 65536", "1, 1, 65536", "-5, 123456789, 65536", "42, 7, 12345", "42, 8, 31", "42, 9, 1"})
    void piKernelIsTheScalarLaneLayout(long seed, long block, int samples) {
        assertEquals(piReference(seed, block, samples), PiKernel.inside(seed, block, samples));
    }

    @ParameterizedTest
    @CsvSource({
        "1, 0, 65536, 6",
        "2, 3, 65536, 2",
        "3, 4, 65536, 5",
        "4, 5, 65536, 7",
        "5, 6, 65536, 20",
        "6, 7, 65536, 1000",
        "7, 8, 4097, 6",
        "8, 9, 127, 6",
        "9, 10, 40000, 999"
    })
    void diceKernelIsTheScalarLaneLayout(long seed, long block, int rolls, int faces) {
        long[] counts = new long[faces];
        DiceKernel.roll(seed, block, rolls, counts);
        assertArrayEquals(diceReference(seed, block, rolls, faces), counts);
    }

    @ParameterizedTest
    @CsvSource({"1, 0, 65536", "2, 5, 65536", "3, 6, 999", "4, 7, 3"})
    void projectileKernelIsTheScalarLaneLayout(long seed, long block, int samples) {
        for (var request : new ProjectileRequest[] {
            new ProjectileRequest(1L, 20, 30.0, 31.0, 99.0, 100.0, 9.81),
            new ProjectileRequest(1L, 30, 10.0, 80.0, 10.0, 50.0, 1.62),
            new ProjectileRequest(1L, 7, 0.0, 90.0, 1.0, 2.0, 9.81)
        }) {
            var kernel = new ProjectileKernel(request);
            long[] counts = new long[request.bins()];
            kernel.sample(seed, block, samples, counts);
            assertArrayEquals(projectileReference(kernel, request.bins(), seed, block, samples), counts);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 7.5, 15, 30, 44.99, 45, 60, 75, 89, 90})
    void polynomialSineMatchesTheLibrarySineOnZeroToNinetyDegrees(double angleDeg) {
        // sin 2θ = cos(2θ − π/2); the Taylor remainder to t^20 on |t| ≤ π/2 is below 2e-17, and
        // a few roundings of the Horner sum add a few 1e-16.
        double t = angleDeg * (Math.PI / 90) - Math.PI / 2;
        double expected = StrictMath.sin(Math.toRadians(2 * angleDeg));
        assertEquals(expected, ProjectileKernel.cosPoly(t), 5e-16);
    }

    @ParameterizedTest
    @CsvSource({
        // units, max blocks per shard, shards, blocks per shard
        "1, 1024, 1, 2",
        "131072, 1024, 1, 2",
        "131073, 1024, 2, 2",
        "1000000, 1024, 8, 2",
        "10000000, 1024, 16, 10",
        "100000000, 1024, 16, 96",
        "1000000000, 1024, 16, 954",
        "10000000000, 1024, 150, 1024",
        "10000000000000, 1024, 149012, 1024",
    })
    void shardsFanOutSmallJobsAndCapBigOnes(long units, int max, int shards, int perShard) {
        var layout = io.forkpool.kind.api.Layout.forJob(units, 1 << 16, max);
        assertEquals(perShard, layout.blocksPerShard());
        assertEquals(shards, layout.shardCount());
        assertTrue(layout.shardCount() <= io.forkpool.kind.api.Layout.TARGET_SHARDS || perShard == max);
    }
}
