package io.forkpool.kind;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.ROL;
import static jdk.incubator.vector.VectorOperators.XOR;

import io.forkpool.kind.api.Xoshiro256;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dice: rolls of a fair die with {@code faces} faces, counted per face.
 *
 * <p>Vector kernel: every one of a block's 32 {@link Lanes} (xoshiro256++) makes the same number of
 * 64-bit draws, {@code rolls / 128}, and each draw gives four 16-bit chunks x. A chunk is a roll of
 * face {@code (x·faces) >> 16} unless {@code (x·faces) mod 2^16 < 2^16 mod faces}, when it is
 * rejected (Lemire's exact rejection: every face then has exactly {@code floor(2^16 / faces)}
 * chunk values that map to it, so the rolls are unbiased). The rolls still missing after that (the
 * rejected ones and the block's remainder) come from the block's scalar stream
 * ({@link Xoshiro256#nextInt}). With up to 6 faces the faces are counted without any scatter, in
 * 5-bit fields of per-lane counters flushed every 15 draws; with more, the faces go through a
 * small buffer into a scalar histogram. Two lane sets are interleaved (four made the method so
 * big that C2 took seconds to compile it on a busy machine, for no gain).
 *
 * <p>Loops are written out with no helper calls; see {@link PiKernel}.
 */
final class DiceKernel {

    static final int BLOCK_ROLLS = 1 << 16;

    /** Up to 6 faces, ~0.1 ns per roll: 2048 blocks (134M rolls) ~15 ms. */
    static final int MAX_BLOCKS_PER_SHARD = 2048;

    /** More faces (scalar histogram), ~0.6 ns per roll: 256 blocks (17M rolls) ~10 ms. */
    static final int MAX_BLOCKS_PER_SHARD_MANY_FACES = 256;

    /** Faces the packed counters can hold: 6 fields of 5 bits in a 32-bit lane. */
    static final int PACKED_FACES = 6;

    private static final VectorSpecies<Long> L = Lanes.SPECIES;
    private static final VectorSpecies<Integer> I = L.withLanes(int.class);
    private static final int W = Lanes.WIDTH;
    private static final int N = Lanes.LANES;
    private static final int SETS = 2;
    /** Chunks per draw. */
    private static final int CHUNKS = 4;
    /** Draws between flushes of the 5-bit fields (each field gains at most 2 per draw). */
    private static final int FLUSH = 15;

    private DiceKernel() {}

    /** Adds the rolls of block {@code block} to {@code counts} (index 0 is face 1). */
    static void roll(long seed, long block, int rolls, long[] counts) {
        int faces = counts.length;
        long[] state = new long[4 * N];
        var random = Lanes.seed(seed, block, state);
        int draws = rolls / (N * CHUNKS);
        int threshold = threshold(faces);
        long[] blockCounts = new long[faces];
        for (int group = 0; group < Lanes.groups(SETS); group++) {
            if (faces <= PACKED_FACES) {
                packed(state, group * SETS * W, draws, faces, threshold, blockCounts);
            } else {
                buffered(state, group * SETS * W, draws, faces, threshold, blockCounts);
            }
        }
        long rolled = 0;
        for (int face = 0; face < faces; face++) {
            counts[face] += blockCounts[face];
            rolled += blockCounts[face];
        }
        for (long i = rolled; i < rolls; i++) {
            counts[random.nextInt(faces)]++;
        }
    }

    /**
     * Lemire's rejection threshold: a chunk x is rejected when {@code (x·faces) mod 2^16} is below
     * it, which leaves every face exactly {@code floor(2^16 / faces)} of the 2^16 chunk values.
     */
    static int threshold(int faces) {
        return (1 << 16) % faces;
    }

    private static void packed(long[] st, int off, int draws, int faces, int threshold, long[] counts) {
        LongVector a0 = LongVector.fromArray(L, st, off);
        LongVector a1 = LongVector.fromArray(L, st, N + off);
        LongVector a2 = LongVector.fromArray(L, st, 2 * N + off);
        LongVector a3 = LongVector.fromArray(L, st, 3 * N + off);
        LongVector b0 = LongVector.fromArray(L, st, off + W);
        LongVector b1 = LongVector.fromArray(L, st, N + off + W);
        LongVector b2 = LongVector.fromArray(L, st, 2 * N + off + W);
        LongVector b3 = LongVector.fromArray(L, st, 3 * N + off + W);
        IntVector zero = IntVector.zero(I);
        IntVector one = IntVector.broadcast(I, 1);
        IntVector t0 = zero, t1 = zero, t2 = zero, t3 = zero, t4 = zero, t5 = zero;
        // The accepted chunks' counts go in as zero.add(increment, accepted).add(av), not as
        // av.add(increment, accepted): the masked add is a virtual call on its receiver, and C2
        // inlines it (and keeps the vectors in registers) only if the receiver's class is known.
        // zero's is; that of av, a loop variable, only from a type profile of IntVector.add's
        // call site, which a worker whose kernel C2 compiled early did not have: its dice ran
        // 17x slower, with every vector boxed (docs/benchmarks.md, "the slow worker").
        for (int done = 0; done < draws; ) {
            int run = Math.min(FLUSH, draws - done);
            IntVector av = zero, bv = zero;
            for (int r = 0; r < run; r++) {
                LongVector t;
                IntVector m;
                IntVector f;
                IntVector wa = a0.add(a3).lanewise(ROL, 23).add(a0).reinterpretAsInts();
                t = a1.lanewise(LSHL, 17);
                a2 = a2.lanewise(XOR, a0);
                a3 = a3.lanewise(XOR, a1);
                a1 = a1.lanewise(XOR, a2);
                a0 = a0.lanewise(XOR, a3);
                a2 = a2.lanewise(XOR, t);
                a3 = a3.lanewise(ROL, 45);
                IntVector wb = b0.add(b3).lanewise(ROL, 23).add(b0).reinterpretAsInts();
                t = b1.lanewise(LSHL, 17);
                b2 = b2.lanewise(XOR, b0);
                b3 = b3.lanewise(XOR, b1);
                b1 = b1.lanewise(XOR, b2);
                b0 = b0.lanewise(XOR, b3);
                b2 = b2.lanewise(XOR, t);
                b3 = b3.lanewise(ROL, 45);
                m = wa.and(0xFFFF).mul(faces);
                f = m.lanewise(LSHR, 16);
                av = zero.add(
                                one.lanewise(LSHL, f.lanewise(LSHL, 2).add(f)),
                                m.and(0xFFFF).compare(GE, threshold))
                        .add(av);
                m = wa.lanewise(LSHR, 16).mul(faces);
                f = m.lanewise(LSHR, 16);
                av = zero.add(
                                one.lanewise(LSHL, f.lanewise(LSHL, 2).add(f)),
                                m.and(0xFFFF).compare(GE, threshold))
                        .add(av);
                m = wb.and(0xFFFF).mul(faces);
                f = m.lanewise(LSHR, 16);
                bv = zero.add(
                                one.lanewise(LSHL, f.lanewise(LSHL, 2).add(f)),
                                m.and(0xFFFF).compare(GE, threshold))
                        .add(bv);
                m = wb.lanewise(LSHR, 16).mul(faces);
                f = m.lanewise(LSHR, 16);
                bv = zero.add(
                                one.lanewise(LSHL, f.lanewise(LSHL, 2).add(f)),
                                m.and(0xFFFF).compare(GE, threshold))
                        .add(bv);
            }
            // Fields hold at most 2 · FLUSH = 30: add them up face by face in 32-bit lanes.
            t0 = t0.add(av.lanewise(LSHR, 0).and(31)).add(bv.lanewise(LSHR, 0).and(31));
            t1 = t1.add(av.lanewise(LSHR, 5).and(31)).add(bv.lanewise(LSHR, 5).and(31));
            t2 = t2.add(av.lanewise(LSHR, 10).and(31)).add(bv.lanewise(LSHR, 10).and(31));
            t3 = t3.add(av.lanewise(LSHR, 15).and(31)).add(bv.lanewise(LSHR, 15).and(31));
            t4 = t4.add(av.lanewise(LSHR, 20).and(31)).add(bv.lanewise(LSHR, 20).and(31));
            t5 = t5.add(av.lanewise(LSHR, 25).and(31)).add(bv.lanewise(LSHR, 25).and(31));
            done += run;
        }
        // Per 32-bit lane at most 4 · draws ≤ 2^11 rolls per block: no overflow.
        long[] totals = {
            t0.reduceLanesToLong(ADD), t1.reduceLanesToLong(ADD), t2.reduceLanesToLong(ADD),
            t3.reduceLanesToLong(ADD), t4.reduceLanesToLong(ADD), t5.reduceLanesToLong(ADD)
        };
        for (int face = 0; face < faces; face++) {
            counts[face] += totals[face];
        }
    }

    private static void buffered(long[] st, int off, int draws, int faces, int threshold, long[] counts) {
        LongVector a0 = LongVector.fromArray(L, st, off);
        LongVector a1 = LongVector.fromArray(L, st, N + off);
        LongVector a2 = LongVector.fromArray(L, st, 2 * N + off);
        LongVector a3 = LongVector.fromArray(L, st, 3 * N + off);
        LongVector b0 = LongVector.fromArray(L, st, off + W);
        LongVector b1 = LongVector.fromArray(L, st, N + off + W);
        LongVector b2 = LongVector.fromArray(L, st, 2 * N + off + W);
        LongVector b3 = LongVector.fromArray(L, st, 3 * N + off + W);
        int lanes = I.length();
        int[] buffer = new int[4 * lanes];
        // Four sub-histograms (plus a bin for rejected chunks) break store-to-load chains.
        int stride = faces + 1;
        long[] histogram = new long[4 * stride];
        IntVector reject = IntVector.broadcast(I, faces);
        for (int r = 0; r < draws; r++) {
            LongVector t;
            IntVector m;
            IntVector wa = a0.add(a3).lanewise(ROL, 23).add(a0).reinterpretAsInts();
            t = a1.lanewise(LSHL, 17);
            a2 = a2.lanewise(XOR, a0);
            a3 = a3.lanewise(XOR, a1);
            a1 = a1.lanewise(XOR, a2);
            a0 = a0.lanewise(XOR, a3);
            a2 = a2.lanewise(XOR, t);
            a3 = a3.lanewise(ROL, 45);
            IntVector wb = b0.add(b3).lanewise(ROL, 23).add(b0).reinterpretAsInts();
            t = b1.lanewise(LSHL, 17);
            b2 = b2.lanewise(XOR, b0);
            b3 = b3.lanewise(XOR, b1);
            b1 = b1.lanewise(XOR, b2);
            b0 = b0.lanewise(XOR, b3);
            b2 = b2.lanewise(XOR, t);
            b3 = b3.lanewise(ROL, 45);
            m = wa.and(0xFFFF).mul(faces);
            reject.blend(m.lanewise(LSHR, 16), m.and(0xFFFF).compare(GE, threshold))
                    .intoArray(buffer, 0 * lanes);
            m = wa.lanewise(LSHR, 16).mul(faces);
            reject.blend(m.lanewise(LSHR, 16), m.and(0xFFFF).compare(GE, threshold))
                    .intoArray(buffer, 1 * lanes);
            m = wb.and(0xFFFF).mul(faces);
            reject.blend(m.lanewise(LSHR, 16), m.and(0xFFFF).compare(GE, threshold))
                    .intoArray(buffer, 2 * lanes);
            m = wb.lanewise(LSHR, 16).mul(faces);
            reject.blend(m.lanewise(LSHR, 16), m.and(0xFFFF).compare(GE, threshold))
                    .intoArray(buffer, 3 * lanes);
            for (int i = 0; i < buffer.length; i += 4) {
                histogram[buffer[i]]++;
                histogram[stride + buffer[i + 1]]++;
                histogram[2 * stride + buffer[i + 2]]++;
                histogram[3 * stride + buffer[i + 3]]++;
            }
        }
        for (int face = 0; face < faces; face++) {
            counts[face] += histogram[face]
                    + histogram[stride + face]
                    + histogram[2 * stride + face]
                    + histogram[3 * stride + face];
        }
    }
}
