package io.forkpool.kind.api;

import java.util.random.RandomGenerator;

/**
 * The random stream of one block of a job: xoshiro256++ 1.0 (D. Blackman and S. Vigna,
 * "Scrambled Linear Pseudorandom Number Generators", ACM TOMS 47(4), 2021), written here from
 * the published algorithm. Its state is derived from (job seed, block index) alone by
 * {@link #forBlock}, so a block draws the same numbers on whichever worker runs it.
 *
 * <p>Small, final and allocation-free so that C2 inlines it into a kernel's loop and, when the
 * instance does not escape the kernel method, keeps the four state words in registers. Not
 * thread-safe: one instance per block.
 */
public final class Xoshiro256 implements RandomGenerator {

    /** SplitMix64's increment, 2^64 / golden ratio (odd). */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long s0;
    private long s1;
    private long s2;
    private long s3;

    /** A generator with this exact state (not all zero); {@link #forBlock} is the normal way. */
    public Xoshiro256(long s0, long s1, long s2, long s3) {
        if ((s0 | s1 | s2 | s3) == 0) {
            throw new IllegalArgumentException("xoshiro256 state must not be all zero");
        }
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
    }

    /**
     * The stream of block {@code block} of a job seeded with {@code seed}.
     *
     * <p>Three Feistel rounds, with SplitMix64's output function as round function, turn
     * (seed, block) into a key (a, b). Each round is invertible, so the map is a bijection: two
     * distinct pairs never get the same key (a plain {@code seed ^ f(block)} can collide across
     * seeds), and every bit of the key depends on every bit of both inputs, so neighbouring blocks
     * or seeds get unrelated states. The state is (a, b) plus one SplitMix64 output of each; it is
     * never all zero because mix64 is a bijection with mix64(0) == 0 and GOLDEN_GAMMA != 0.
     */
    public static Xoshiro256 forBlock(long seed, long block) {
        long a = seed;
        long b = block;
        a ^= mix64(b + GOLDEN_GAMMA);
        b ^= mix64(a + 2 * GOLDEN_GAMMA);
        a ^= mix64(b + 3 * GOLDEN_GAMMA);
        return new Xoshiro256(a, b, mix64(a + 4 * GOLDEN_GAMMA), mix64(b + 5 * GOLDEN_GAMMA));
    }

    /**
     * SplitMix64's output function (G. Steele, D. Lea, C. Flood, "Fast Splittable Pseudorandom
     * Number Generators", OOPSLA 2014; the variant-13 constants of D. Stafford): a bijection of
     * 64-bit words with good avalanche.
     */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The next 64 random bits. */
    @Override
    public long nextLong() {
        long result = Long.rotateLeft(s0 + s3, 23) + s0;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** A uniform double in [0, 1): the top 53 bits, so every value is a multiple of 2^-53. */
    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * A uniform int in [0, bound), unbiased, by Lemire's multiply-and-reject method (D. Lemire,
     * "Fast Random Integer Generation in an Interval", ACM TOMACS 29(1), 2019): the high half of
     * x * bound for a 32-bit x, rejecting the 2^32 mod bound values of x that would make some
     * results more likely. The division that computes the threshold runs only when the low half
     * falls below bound, which is rare for small bounds.
     */
    @Override
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        if ((m & 0xFFFF_FFFFL) < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while ((m & 0xFFFF_FFFFL) < threshold) {
                m = (nextLong() >>> 32) * bound;
            }
        }
        return (int) (m >>> 32);
    }

    /** A uniform long in [0, bound), unbiased: Lemire's method on 64-bit words (see nextInt). */
    @Override
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long x = nextLong();
        long low = x * bound;
        if (Long.compareUnsigned(low, bound) < 0) {
            long threshold = Long.remainderUnsigned(-bound, bound);
            while (Long.compareUnsigned(low, threshold) < 0) {
                x = nextLong();
                low = x * bound;
            }
        }
        return Math.unsignedMultiplyHigh(x, bound);
    }
}
