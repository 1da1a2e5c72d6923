package io.forkpool.kind.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.function.LongSupplier;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class Xoshiro256Test {

    @Test
    void matchesTheJdksXoshiro256PlusPlusForTheSameState() {
        // The JDK's own implementation (module jdk.random) is an independent oracle: seeded with
        // 32 bytes it takes them as four big-endian words, the state we give ours directly.
        byte[] seed = new byte[32];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) (i * 37 + 11);
        }
        var jdk = RandomGeneratorFactory.of("Xoshiro256PlusPlus").create(seed);
        var ours = new Xoshiro256(word(seed, 0), word(seed, 1), word(seed, 2), word(seed, 3));
        for (int i = 0; i < 1000; i++) {
            assertEquals(jdk.nextLong(), ours.nextLong(), "output " + i);
        }
    }

    private static long word(byte[] bytes, int index) {
        long word = 0;
        for (int i = 0; i < 8; i++) {
            word = (word << 8) | (bytes[index * 8 + i] & 0xFF);
        }
        return word;
    }

    @Test
    void rejectsTheAllZeroState() {
        assertThrows(IllegalArgumentException.class, () -> new Xoshiro256(0, 0, 0, 0));
    }

    @Test
    void distinctSeedAndBlockPairsGiveDistinctStreams() {
        // Pairs that a naive seed ^ block or seed + block derivation would confuse, and
        // neighbours in both coordinates.
        var firstOutputs = new HashSet<Long>();
        int pairs = 0;
        for (long seed = -3; seed <= 3; seed++) {
            for (long block = 0; block < 2000; block++) {
                assertTrue(
                        firstOutputs.add(Xoshiro256.forBlock(seed, block).nextLong()),
                        "seed " + seed + " block " + block + " repeats an earlier stream");
                pairs++;
            }
        }
        assertEquals(pairs, firstOutputs.size());
        assertNotEquals(
                Xoshiro256.forBlock(1, 2).nextLong(), Xoshiro256.forBlock(2, 1).nextLong());
        assertNotEquals(
                Xoshiro256.forBlock(3, 0).nextLong(), Xoshiro256.forBlock(0, 3).nextLong());
    }

    @Test
    void sameSeedAndBlockGiveTheSameStream() {
        var a = Xoshiro256.forBlock(42, 7);
        var b = Xoshiro256.forBlock(42, 7);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
    }

    @Test
    void neighbouringBlocksAreUncorrelated() {
        // For independent uniforms the sample correlation of n pairs has sd ≈ 1/sqrt(n); allow
        // 5 sd. Seeding that leaked the block index into the state would show up here.
        int n = 200_000;
        for (long block = 0; block < 3; block++) {
            var a = Xoshiro256.forBlock(99, block);
            var b = Xoshiro256.forBlock(99, block + 1);
            double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
            for (int i = 0; i < n; i++) {
                double x = a.nextDouble();
                double y = b.nextDouble();
                sa += x;
                sb += y;
                sab += x * y;
                saa += x * x;
                sbb += y * y;
            }
            double cov = sab / n - (sa / n) * (sb / n);
            double corr = cov / Math.sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
            assertTrue(Math.abs(corr) < 5 / Math.sqrt(n), "correlation " + corr);
        }
    }

    @Test
    void doublesAreInTheUnitIntervalWithMeanOneHalf() {
        // Uniform on [0, 1): mean 1/2, variance 1/12, so the mean of n has sd sqrt(1/(12 n)).
        var random = Xoshiro256.forBlock(5, 0);
        int n = 1_000_000;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            if (!(u >= 0 && u < 1)) {
                fail("out of range: " + u);
            }
            sum += u;
        }
        assertEquals(0.5, sum / n, 5 * Math.sqrt(1.0 / (12 * n)));
    }

    @Test
    void boundedIntsHitEveryValueEvenly() {
        // Counts of a fair k-sided draw: each ~ Binomial(n, 1/k), within 5 sd.
        var random = Xoshiro256.forBlock(6, 0);
        int bound = 7;
        int n = 700_000;
        long[] counts = new long[bound];
        for (int i = 0; i < n; i++) {
            counts[random.nextInt(bound)]++;
        }
        double p = 1.0 / bound;
        for (long count : counts) {
            assertEquals(n * p, count, 5 * Math.sqrt(n * p * (1 - p)));
        }
    }

    /*
     * Multiply-shift alone (x·bound >> bits, no rejection) maps 2^bits inputs onto bound outputs,
     * so r = 2^bits mod bound "heavy" outputs get one input more than the others. With bound ≈
     * 2^bits / 2.5, half of the outputs are heavy and take 3 inputs to the others' 2: they would
     * be drawn 60% of the time instead of the fair r / bound ≈ 50%. The fraction of draws on
     * heavy outputs is Binomial(n, r / bound) for an unbiased method: within 5 sd (0.8% at
     * n = 10^5), while the skew is 10%.
     */
    @Test
    void boundedIntsAreUnbiasedWhereMultiplyShiftAloneIsSkewed() {
        int bound = (int) ((1L << 32) * 2 / 5);
        var random = Xoshiro256.forBlock(8, 0);
        assertFairOnHeavyOutputs(BigInteger.valueOf(bound), 32, () -> random.nextInt(bound));
    }

    @Test
    void boundedLongsAreUnbiasedWhereMultiplyShiftAloneIsSkewed() {
        long bound = Long.divideUnsigned(-1L, 5) * 2;
        var random = Xoshiro256.forBlock(9, 0);
        assertFairOnHeavyOutputs(BigInteger.valueOf(bound), 64, () -> random.nextLong(bound));
    }

    private static void assertFairOnHeavyOutputs(BigInteger bound, int bits, LongSupplier draw) {
        BigInteger range = BigInteger.ONE.shiftLeft(bits);
        BigInteger light = range.divide(bound);
        double p = range.mod(bound).doubleValue() / bound.doubleValue();
        int n = 100_000;
        long heavy = 0;
        for (int i = 0; i < n; i++) {
            long value = draw.getAsLong();
            assertTrue(value >= 0 && BigInteger.valueOf(value).compareTo(bound) < 0);
            // Inputs x with x·bound >> bits == value: ceil(value·2^bits / bound) up to
            // ceil((value + 1)·2^bits / bound), exclusive.
            BigInteger from = ceilDiv(BigInteger.valueOf(value).multiply(range), bound);
            BigInteger to = ceilDiv(BigInteger.valueOf(value + 1).multiply(range), bound);
            heavy += to.subtract(from).compareTo(light) > 0 ? 1 : 0;
        }
        assertEquals(n * p, heavy, 5 * Math.sqrt(n * p * (1 - p)));
    }

    private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    }

    @Test
    void boundOfOneAlwaysGivesZeroAndNonPositiveBoundsAreRejected() {
        var random = Xoshiro256.forBlock(10, 0);
        for (int i = 0; i < 100; i++) {
            assertEquals(0, random.nextInt(1));
            assertEquals(0, random.nextLong(1));
        }
        assertThrows(IllegalArgumentException.class, () -> random.nextInt(0));
        assertThrows(IllegalArgumentException.class, () -> random.nextLong(-5));
    }
}
