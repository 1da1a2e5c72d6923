package io.forkpool.kind;

import io.forkpool.kind.api.Xoshiro256;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The random streams of one block as the vector kernels use them: {@link #LANES} independent
 * xoshiro256 generators ("logical lanes"), whose 4 × 32 state words are the first 128 outputs of
 * the block's own stream {@link Xoshiro256#forBlock}(seed, block). That stream then goes on to
 * draw the block's few leftover samples (a block's size need not be a multiple of 32).
 *
 * <p>The layout is a fixed property of a block, never of the hardware: a kernel runs the 32 lanes
 * as 2 or 4 interleaved lane sets of {@link #WIDTH} vector lanes (8 with AVX-512), in as many
 * passes as it takes ({@link #groups}), and every lane draws the same number of values whatever
 * the width. Results are sums or counts over lanes, so a block gives bit-identical
 * results on AVX-512, AVX2, NEON or a scalar reference (the tests hold one).
 *
 * <p>Pi and projectile use the lanes as xoshiro256+ (output s0 + s3: its top 53 bits, the only
 * ones they use, are what the generator's authors recommend it for); dice uses all 64 bits of each
 * draw and so uses the xoshiro256++ scrambler.
 *
 * <p>State words of lane {@code j}: {@code state[j]}, {@code state[LANES + j]},
 * {@code state[2 * LANES + j]}, {@code state[3 * LANES + j]} (s0..s3).
 */
final class Lanes {

    /** Logical lanes (independent generators) of a block. */
    static final int LANES = 32;

    /** The most lane sets a kernel interleaves (to hide the generator's dependency chain). */
    private static final int MAX_SETS = 4;

    static final VectorSpecies<Long> SPECIES = pick();

    /** Vector lanes of one lane set. */
    static final int WIDTH = SPECIES.length();

    /** Passes over a block's lanes of a kernel that interleaves {@code sets} sets of WIDTH lanes. */
    static int groups(int sets) {
        return LANES / (sets * WIDTH);
    }

    private Lanes() {}

    /** The widest vector shape up to 512 bits whose lanes divide the 32 logical lanes evenly. */
    private static VectorSpecies<Long> pick() {
        VectorSpecies<Long> preferred = LongVector.SPECIES_PREFERRED;
        if (preferred.length() > LANES / MAX_SETS) {
            return VectorSpecies.of(long.class, VectorShape.S_512_BIT);
        }
        return preferred;
    }

    /**
     * Fills {@code state} (4 × {@link #LANES} words) with the lanes of block {@code block} and
     * returns the block's stream, positioned after those words, for the leftover samples.
     */
    static Xoshiro256 seed(long seed, long block, long[] state) {
        var random = Xoshiro256.forBlock(seed, block);
        for (int i = 0; i < 4 * LANES; i++) {
            state[i] = random.nextLong();
        }
        for (int j = 0; j < LANES; j++) {
            // All-zero lane state has probability 2^-256; make it impossible all the same.
            if ((state[j] | state[LANES + j] | state[2 * LANES + j] | state[3 * LANES + j]) == 0) {
                state[j] = 1;
            }
        }
        return random;
    }
}
