package io.forkpool.kind;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * What one shard computed. Merging is exact (integer counts, exact decimal sums, minimum), hence
 * associative and commutative: the merged result is the same whatever the order shards end in.
 */
public sealed interface Partial {

    Partial merge(Partial other);

    /** Pi: points inside the quarter circle out of samples drawn. */
    public record PiCount(long inside, long samples) implements Partial {
        @Override
        public Partial merge(Partial other) {
            var o = (PiCount) other;
            return new PiCount(inside + o.inside, samples + o.samples);
        }
    }

    /** Projectile bins or dice faces: one count per bucket. */
    public record Histogram(long[] counts) implements Partial {
        @Override
        public Partial merge(Partial other) {
            var o = (Histogram) other;
            long[] sum = counts.clone();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += o.counts[i];
            }
            return new Histogram(sum);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Histogram h && Arrays.equals(counts, h.counts);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(counts);
        }

        @Override
        public String toString() {
            return "Histogram" + Arrays.toString(counts);
        }
    }

    /** Sine: the exact-enough sum of a run of Taylor terms. */
    public record TermSum(BigDecimal sum) implements Partial {
        @Override
        public Partial merge(Partial other) {
            return new TermSum(sum.add(((TermSum) other).sum));
        }
    }

    /** Smallest multiple: the smallest multiple drawn (0 when none) and how many were drawn. */
    public record Multiples(long smallest, long count) implements Partial {
        @Override
        public Partial merge(Partial other) {
            var o = (Multiples) other;
            long min = smallest == 0 ? o.smallest : o.smallest == 0 ? smallest : Math.min(smallest, o.smallest);
            return new Multiples(min, count + o.count);
        }
    }
}
