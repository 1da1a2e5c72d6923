package io.forkpool.kind;

import static jdk.incubator.vector.VectorOperators.D2I;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.L2D;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.ROL;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Projectile ranges: launch angle and speed drawn uniformly from their intervals, range
 * v²·sin(2θ)/g on flat ground without drag, counted in equal-width bins between the analytic
 * minimum and maximum range of those intervals.
 *
 * <p>Vector kernel: each of a block's 32 {@link Lanes} (xoshiro256+) draws its samples in turn,
 * angle then speed, as 53-bit uniform doubles. sin 2θ is computed as cos t with
 * t = 2θ − π/2 ∈ [−π/2, π/2], by the Taylor polynomial of cos to t^20 in Horner form with fused
 * multiply-adds (truncation error below 2e-17 on that interval). Every operation is IEEE-exact
 * (Java specifies fma as correctly rounded), so a sample's bin is the same on every CPU and JVM,
 * and {@link #binOfDraws} computes it the same way in scalar code, for the block's leftover
 * samples and for the tests. The bin edges reported in results use {@link StrictMath#sin}
 * ({@link ProjectileRange#range}); a sample one rounding error outside them is clamped into the
 * first or last bin. The loop computes the int bins of 32 rounds (1024 samples) into a small
 * buffer, then counts them in a separate scalar loop into four sub-histograms. Two lane sets are
 * interleaved; the loop is written out with no helper calls (see {@link PiKernel}).
 */
final class ProjectileKernel {

    static final int BLOCK_SAMPLES = 1 << 16;

    /** Measured ~1 ns per sample on one core (AVX-512): 256 blocks, 17M samples, ~17 ms. */
    static final int MAX_BLOCKS_PER_SHARD = 256;

    private static final VectorSpecies<Long> L = Lanes.SPECIES;
    private static final VectorSpecies<Double> D = L.withLanes(double.class);
    private static final int W = Lanes.WIDTH;
    private static final int N = Lanes.LANES;
    private static final int SETS = 2;
    /**
     * One lane set's bins as ints: W lanes, or 2 when W is 1 (no narrower int vector); the
     * extra lane is then counted in a spare slot after the four sub-histograms.
     */
    private static final VectorSpecies<Integer> I =
            VectorSpecies.of(int.class, VectorShape.forBitSize(Math.max(64, 32 * W)));

    private static final int IW = I.length();
    /** Rounds whose bins are computed before they are counted. */
    private static final int CHUNK = 32;

    /** 1/(2k)! with the sign of cos's Taylor series, for k = 10 down to 0. */
    private static final double[] COS = cosCoefficients();

    private static final double C20 = COS[0],
            C18 = COS[1],
            C16 = COS[2],
            C14 = COS[3],
            C12 = COS[4],
            C10 = COS[5],
            C8 = COS[6],
            C6 = COS[7],
            C4 = COS[8],
            C2 = COS[9],
            C0 = COS[10];

    private final double angleMinDeg;
    private final double angleSpan;
    private final double speedMin;
    private final double speedSpan;
    private final double gravity;
    private final int bins;
    private final double minRange;
    private final double maxRange;
    /** bins / (maxRange - minRange): range to fractional bin index, one multiply per sample. */
    private final double binsPerMetre;

    private final boolean degenerate;
    /** t = x·tScale + tOffset for a 53-bit integer x: 2θ − π/2 in radians. */
    private final double tScale;

    private final double tOffset;
    /** speed = x·vScale + speedMin. */
    private final double vScale;
    /** Fractional bin = speed²·cos t·k − binOffset. */
    private final double k;

    private final double binOffset;

    ProjectileKernel(ProjectileRequest request) {
        this.angleMinDeg = request.angleMinDeg();
        this.angleSpan = request.angleMaxDeg() - angleMinDeg;
        this.speedMin = request.speedMin();
        this.speedSpan = request.speedMax() - speedMin;
        this.gravity = request.gravity();
        this.bins = request.bins();
        this.minRange = ProjectileRange.min(request);
        this.maxRange = ProjectileRange.max(request);
        // max == min only when both intervals are points: every sample then has the maximum
        // range, which (like any sample at the maximum) belongs in the last bin.
        this.degenerate = !(maxRange > minRange);
        this.binsPerMetre = degenerate ? 0 : bins / (maxRange - minRange);
        this.tScale = angleSpan * (Math.PI / 90) * 0x1.0p-53;
        this.tOffset = angleMinDeg * (Math.PI / 90) - Math.PI / 2;
        this.vScale = speedSpan * 0x1.0p-53;
        this.k = binsPerMetre / gravity;
        this.binOffset = minRange * binsPerMetre;
    }

    private static double[] cosCoefficients() {
        double[] byPower = new double[11];
        double factorial = 1;
        for (int i = 0; i <= 10; i++) {
            if (i > 0) {
                factorial *= (2 * i - 1) * (2 * i);
            }
            byPower[i] = (i % 2 == 0 ? 1 : -1) / factorial;
        }
        double[] c = new double[11];
        for (int i = 0; i <= 10; i++) {
            c[i] = byPower[10 - i];
        }
        return c;
    }

    /** cos t for t in [−π/2, π/2], as the vector loop computes it. */
    static double cosPoly(double t) {
        double t2 = t * t;
        double p = C20;
        p = Math.fma(p, t2, C18);
        p = Math.fma(p, t2, C16);
        p = Math.fma(p, t2, C14);
        p = Math.fma(p, t2, C12);
        p = Math.fma(p, t2, C10);
        p = Math.fma(p, t2, C8);
        p = Math.fma(p, t2, C6);
        p = Math.fma(p, t2, C4);
        p = Math.fma(p, t2, C2);
        return Math.fma(p, t2, C0);
    }

    /** The bin of the sample drawn from two 64-bit draws (angle, speed): the vector loop's formula. */
    int binOfDraws(long angleDraw, long speedDraw) {
        double t = Math.fma((double) (angleDraw >>> 11), tScale, tOffset);
        double v = Math.fma((double) (speedDraw >>> 11), vScale, speedMin);
        double position = Math.fma(v * v * cosPoly(t), k, -binOffset);
        return (int) Math.clamp((long) position, 0, bins - 1);
    }

    double minRange() {
        return minRange;
    }

    double maxRange() {
        return maxRange;
    }

    /** Adds the samples of block {@code block} to {@code counts}. */
    void sample(long seed, long block, int samples, long[] counts) {
        if (degenerate) {
            counts[bins - 1] += samples;
            return;
        }
        long[] state = new long[4 * N];
        var random = Lanes.seed(seed, block, state);
        int rounds = samples / N;
        // Four sub-histograms (and a spare slot) break the store-to-load chains of repeated bins.
        int[] histogram = new int[4 * bins + 1];
        int[] buffer = new int[CHUNK * SETS * IW];
        for (int group = 0; group < Lanes.groups(SETS); group++) {
            group(state, group * SETS * W, rounds, histogram, buffer);
        }
        for (int bin = 0; bin < bins; bin++) {
            counts[bin] += (long) histogram[bin]
                    + histogram[bins + bin]
                    + histogram[2 * bins + bin]
                    + histogram[3 * bins + bin];
        }
        for (int i = rounds * N; i < samples; i++) {
            counts[binOfDraws(random.nextLong(), random.nextLong())]++;
        }
    }

    private void group(long[] st, int off, int rounds, int[] histogram, int[] buffer) {
        LongVector a0 = LongVector.fromArray(L, st, off);
        LongVector a1 = LongVector.fromArray(L, st, N + off);
        LongVector a2 = LongVector.fromArray(L, st, 2 * N + off);
        LongVector a3 = LongVector.fromArray(L, st, 3 * N + off);
        LongVector b0 = LongVector.fromArray(L, st, off + W);
        LongVector b1 = LongVector.fromArray(L, st, N + off + W);
        LongVector b2 = LongVector.fromArray(L, st, 2 * N + off + W);
        LongVector b3 = LongVector.fromArray(L, st, 3 * N + off + W);
        // Vector lane i counts in sub-histogram i mod 4 (a lane beyond W in the spare slot). Built
        // without an array: a vector loaded from one would be reloaded after every buffer store.
        IntVector lane = IntVector.zero(I).addIndex(1);
        IntVector sub = lane.and(3).mul(bins).blend(4 * bins, lane.compare(GE, W));
        DoubleVector k20 = DoubleVector.broadcast(D, C20),
                k18 = DoubleVector.broadcast(D, C18),
                k16 = DoubleVector.broadcast(D, C16),
                k14 = DoubleVector.broadcast(D, C14),
                k12 = DoubleVector.broadcast(D, C12),
                k10 = DoubleVector.broadcast(D, C10),
                k8 = DoubleVector.broadcast(D, C8),
                k6 = DoubleVector.broadcast(D, C6),
                k4 = DoubleVector.broadcast(D, C4),
                k2 = DoubleVector.broadcast(D, C2),
                k0 = DoubleVector.broadcast(D, C0);
        for (int r = 0; r < rounds; r += CHUNK) {
            int end = Math.min(CHUNK, rounds - r) * SETS * IW;
            for (int j = 0; j < end; j += SETS * IW) {
                LongVector t;
                DoubleVector th;
                DoubleVector sp;
                DoubleVector t2;
                DoubleVector p;
                // binOfDraws on W lanes, per set: angle then speed, each a xoshiro256+ step. The
                // int conversion saturates like the long one, so clamping it gives the same bin.
                th = ((DoubleVector) a0.add(a3).lanewise(LSHR, 11).convert(L2D, 0)).fma(tScale, tOffset);
                t = a1.lanewise(LSHL, 17);
                a2 = a2.lanewise(XOR, a0);
                a3 = a3.lanewise(XOR, a1);
                a1 = a1.lanewise(XOR, a2);
                a0 = a0.lanewise(XOR, a3);
                a2 = a2.lanewise(XOR, t);
                a3 = a3.lanewise(ROL, 45);
                sp = ((DoubleVector) a0.add(a3).lanewise(LSHR, 11).convert(L2D, 0)).fma(vScale, speedMin);
                t = a1.lanewise(LSHL, 17);
                a2 = a2.lanewise(XOR, a0);
                a3 = a3.lanewise(XOR, a1);
                a1 = a1.lanewise(XOR, a2);
                a0 = a0.lanewise(XOR, a3);
                a2 = a2.lanewise(XOR, t);
                a3 = a3.lanewise(ROL, 45);
                t2 = th.mul(th);
                p = k20.fma(t2, k18)
                        .fma(t2, k16)
                        .fma(t2, k14)
                        .fma(t2, k12)
                        .fma(t2, k10)
                        .fma(t2, k8)
                        .fma(t2, k6)
                        .fma(t2, k4)
                        .fma(t2, k2)
                        .fma(t2, k0);
                ((IntVector) sp.mul(sp).mul(p).fma(k, -binOffset).convertShape(D2I, I, 0))
                        .max(0)
                        .min(bins - 1)
                        .add(sub)
                        .intoArray(buffer, j);
                th = ((DoubleVector) b0.add(b3).lanewise(LSHR, 11).convert(L2D, 0)).fma(tScale, tOffset);
                t = b1.lanewise(LSHL, 17);
                b2 = b2.lanewise(XOR, b0);
                b3 = b3.lanewise(XOR, b1);
                b1 = b1.lanewise(XOR, b2);
                b0 = b0.lanewise(XOR, b3);
                b2 = b2.lanewise(XOR, t);
                b3 = b3.lanewise(ROL, 45);
                sp = ((DoubleVector) b0.add(b3).lanewise(LSHR, 11).convert(L2D, 0)).fma(vScale, speedMin);
                t = b1.lanewise(LSHL, 17);
                b2 = b2.lanewise(XOR, b0);
                b3 = b3.lanewise(XOR, b1);
                b1 = b1.lanewise(XOR, b2);
                b0 = b0.lanewise(XOR, b3);
                b2 = b2.lanewise(XOR, t);
                b3 = b3.lanewise(ROL, 45);
                t2 = th.mul(th);
                p = k20.fma(t2, k18)
                        .fma(t2, k16)
                        .fma(t2, k14)
                        .fma(t2, k12)
                        .fma(t2, k10)
                        .fma(t2, k8)
                        .fma(t2, k6)
                        .fma(t2, k4)
                        .fma(t2, k2)
                        .fma(t2, k0);
                ((IntVector) sp.mul(sp).mul(p).fma(k, -binOffset).convertShape(D2I, I, 0))
                        .max(0)
                        .min(bins - 1)
                        .add(sub)
                        .intoArray(buffer, j + IW);
            }
            for (int i = 0; i < end; i++) {
                histogram[buffer[i]]++;
            }
        }
    }
}
