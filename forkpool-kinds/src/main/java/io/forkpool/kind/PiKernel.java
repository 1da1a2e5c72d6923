package io.forkpool.kind;

import static jdk.incubator.vector.VectorOperators.L2D;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.ROL;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Monte Carlo pi: how many uniform points of the unit square fall inside the quarter circle.
 *
 * <p>Vector kernel (jdk.incubator.vector): each of a block's 32 {@link Lanes} draws its points in
 * turn, x then y, as 53-bit integers X, Y in [0, 2^53) (the top bits of a xoshiro256+ output),
 * and the point is inside when X² + Y² ≤ 2^106. That is bit for bit the test x² + y² ≤ 1 on the
 * doubles x = X·2^-53, y = Y·2^-53, since scaling by a power of two is exact. The block's leftover
 * samples (fewer than 32) come from the block's scalar stream. Four lane sets are interleaved.
 *
 * <p>Called once per block (64K samples) so that C2 compiles it as a whole method: a single long
 * call gets stuck in slow on-stack-replacement code (see PERFORMANCE.md). The loop is written
 * out with no helper calls: in a method this big C2 stops inlining non-forced calls
 * (NodeCountInliningCutoff), and a vector passed to a call that is not inlined gets boxed, which
 * made the kernel 100 times slower.
 */
final class PiKernel {

    static final int BLOCK_SAMPLES = 1 << 16;

    /** Measured ~0.3 ns per sample on one core (AVX-512): 1024 blocks, 67M samples, ~20 ms. */
    static final int MAX_BLOCKS_PER_SHARD = 1024;

    private static final VectorSpecies<Long> L = Lanes.SPECIES;
    private static final VectorSpecies<Double> D = L.withLanes(double.class);
    private static final int W = Lanes.WIDTH;
    private static final int N = Lanes.LANES;
    private static final int SETS = 4;
    private static final double LIMIT = 0x1.0p106;

    private PiKernel() {}

    /** Points of block {@code block} inside x² + y² ≤ 1, out of {@code samples}. */
    static long inside(long seed, long block, int samples) {
        long[] state = new long[4 * N];
        var random = Lanes.seed(seed, block, state);
        int rounds = samples / N;
        long inside = 0;
        for (int group = 0; group < Lanes.groups(SETS); group++) {
            inside += group(state, group * SETS * W, rounds);
        }
        for (int i = rounds * N; i < samples; i++) {
            inside += insideScalar(random.nextLong(), random.nextLong());
        }
        return inside;
    }

    /** The test on one point from two 64-bit draws; the vector loop computes exactly this. */
    static int insideScalar(long ux, long uy) {
        double x = ux >>> 11;
        double y = uy >>> 11;
        return x * x + y * y <= LIMIT ? 1 : 0;
    }

    /** {@code rounds} points from each of the lanes [off, off + 4·W): 4 sets of W lanes. */
    private static long group(long[] st, int off, int rounds) {
        LongVector a0 = LongVector.fromArray(L, st, off);
        LongVector a1 = LongVector.fromArray(L, st, N + off);
        LongVector a2 = LongVector.fromArray(L, st, 2 * N + off);
        LongVector a3 = LongVector.fromArray(L, st, 3 * N + off);
        LongVector b0 = LongVector.fromArray(L, st, off + W);
        LongVector b1 = LongVector.fromArray(L, st, N + off + W);
        LongVector b2 = LongVector.fromArray(L, st, 2 * N + off + W);
        LongVector b3 = LongVector.fromArray(L, st, 3 * N + off + W);
        LongVector c0 = LongVector.fromArray(L, st, off + 2 * W);
        LongVector c1 = LongVector.fromArray(L, st, N + off + 2 * W);
        LongVector c2 = LongVector.fromArray(L, st, 2 * N + off + 2 * W);
        LongVector c3 = LongVector.fromArray(L, st, 3 * N + off + 2 * W);
        LongVector d0 = LongVector.fromArray(L, st, off + 3 * W);
        LongVector d1 = LongVector.fromArray(L, st, N + off + 3 * W);
        LongVector d2 = LongVector.fromArray(L, st, 2 * N + off + 3 * W);
        LongVector d3 = LongVector.fromArray(L, st, 3 * N + off + 3 * W);
        DoubleVector limit = DoubleVector.broadcast(D, LIMIT);
        long inside = 0;
        for (int r = 0; r < rounds; r++) {
            LongVector t;
            // Per set: x then y, each a xoshiro256+ step (output s0 + s3, then the linear engine).
            var xa = (DoubleVector) a0.add(a3).lanewise(LSHR, 11).convert(L2D, 0);
            t = a1.lanewise(LSHL, 17);
            a2 = a2.lanewise(XOR, a0);
            a3 = a3.lanewise(XOR, a1);
            a1 = a1.lanewise(XOR, a2);
            a0 = a0.lanewise(XOR, a3);
            a2 = a2.lanewise(XOR, t);
            a3 = a3.lanewise(ROL, 45);
            var ya = (DoubleVector) a0.add(a3).lanewise(LSHR, 11).convert(L2D, 0);
            t = a1.lanewise(LSHL, 17);
            a2 = a2.lanewise(XOR, a0);
            a3 = a3.lanewise(XOR, a1);
            a1 = a1.lanewise(XOR, a2);
            a0 = a0.lanewise(XOR, a3);
            a2 = a2.lanewise(XOR, t);
            a3 = a3.lanewise(ROL, 45);
            inside += xa.mul(xa).add(ya.mul(ya)).compare(LE, limit).trueCount();
            var xb = (DoubleVector) b0.add(b3).lanewise(LSHR, 11).convert(L2D, 0);
            t = b1.lanewise(LSHL, 17);
            b2 = b2.lanewise(XOR, b0);
            b3 = b3.lanewise(XOR, b1);
            b1 = b1.lanewise(XOR, b2);
            b0 = b0.lanewise(XOR, b3);
            b2 = b2.lanewise(XOR, t);
            b3 = b3.lanewise(ROL, 45);
            var yb = (DoubleVector) b0.add(b3).lanewise(LSHR, 11).convert(L2D, 0);
            t = b1.lanewise(LSHL, 17);
            b2 = b2.lanewise(XOR, b0);
            b3 = b3.lanewise(XOR, b1);
            b1 = b1.lanewise(XOR, b2);
            b0 = b0.lanewise(XOR, b3);
            b2 = b2.lanewise(XOR, t);
            b3 = b3.lanewise(ROL, 45);
            inside += xb.mul(xb).add(yb.mul(yb)).compare(LE, limit).trueCount();
            var xc = (DoubleVector) c0.add(c3).lanewise(LSHR, 11).convert(L2D, 0);
            t = c1.lanewise(LSHL, 17);
            c2 = c2.lanewise(XOR, c0);
            c3 = c3.lanewise(XOR, c1);
            c1 = c1.lanewise(XOR, c2);
            c0 = c0.lanewise(XOR, c3);
            c2 = c2.lanewise(XOR, t);
            c3 = c3.lanewise(ROL, 45);
            var yc = (DoubleVector) c0.add(c3).lanewise(LSHR, 11).convert(L2D, 0);
            t = c1.lanewise(LSHL, 17);
            c2 = c2.lanewise(XOR, c0);
            c3 = c3.lanewise(XOR, c1);
            c1 = c1.lanewise(XOR, c2);
            c0 = c0.lanewise(XOR, c3);
            c2 = c2.lanewise(XOR, t);
            c3 = c3.lanewise(ROL, 45);
            inside += xc.mul(xc).add(yc.mul(yc)).compare(LE, limit).trueCount();
            var xd = (DoubleVector) d0.add(d3).lanewise(LSHR, 11).convert(L2D, 0);
            t = d1.lanewise(LSHL, 17);
            d2 = d2.lanewise(XOR, d0);
            d3 = d3.lanewise(XOR, d1);
            d1 = d1.lanewise(XOR, d2);
            d0 = d0.lanewise(XOR, d3);
            d2 = d2.lanewise(XOR, t);
            d3 = d3.lanewise(ROL, 45);
            var yd = (DoubleVector) d0.add(d3).lanewise(LSHR, 11).convert(L2D, 0);
            t = d1.lanewise(LSHL, 17);
            d2 = d2.lanewise(XOR, d0);
            d3 = d3.lanewise(XOR, d1);
            d1 = d1.lanewise(XOR, d2);
            d0 = d0.lanewise(XOR, d3);
            d2 = d2.lanewise(XOR, t);
            d3 = d3.lanewise(ROL, 45);
            inside += xd.mul(xd).add(yd.mul(yd)).compare(LE, limit).trueCount();
        }
        return inside;
    }
}
