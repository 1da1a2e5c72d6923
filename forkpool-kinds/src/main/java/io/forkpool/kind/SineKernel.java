package io.forkpool.kind;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Terms of the Taylor series sin x = Σ (-1)^k x^(2k+1) / (2k+1)!, in decimal, from the exact
 * value of the double x.
 *
 * <p>For large |x| the terms grow to about e^|x| / sqrt(2π|x|) (10^432 at x = 1000) before they
 * shrink, and cancel down to a sum of at most 1 in magnitude, so a double sum would be all
 * rounding error. Here every term is rounded to one fixed decimal quantum, 10^-scale, chosen so
 * the largest term keeps {@link #GUARD_DIGITS} digits after its integer part (and after its
 * leading digit when it is below 1): the sum of the rounded terms is then within
 * terms · 10^-scale / 2 of the true partial sum, far below a double's resolution. Since every
 * term and every shard's sum has the same scale, sums add exactly and merge in any order to the
 * same BigDecimal.
 *
 * <p>The quantum and working precision come from {@link StrictMath} logarithms, which give the
 * same bits on every JVM, so every worker rounds the same way.
 */
final class SineKernel {

    /**
     * Terms per shard: a small fixed number, so even a short series is split across workers like
     * the tutorial's Pool.starmap. A shard takes 0.2 ms, up to 12 ms for the shards of the largest
     * terms at x = 1000 (measured).
     */
    static final int TERMS_PER_SHARD = 8;

    /**
     * Decimal digits kept below the largest term's integer part: 40 so that cancellation cannot
     * reach the double result, plus 5 for the accumulated rounding of up to 10^4 terms.
     */
    static final int GUARD_DIGITS = 45;

    /** Extra digits of the arithmetic before a term is rounded to the quantum. */
    private static final int WORKING_DIGITS = 15;

    private final BigDecimal x;
    private final BigDecimal xSquared;
    private final double absX;
    private final int scale;
    private final MathContext working;
    /** Index of the largest term (the terms rise while x² > (2k+2)(2k+3), then fall). */
    private final int peak;

    SineKernel(double x, int terms) {
        this.x = new BigDecimal(x);
        this.absX = Math.abs(x);
        int k = 0;
        while (k < terms - 1 && (2.0 * k + 2) * (2.0 * k + 3) < absX * absX) {
            k++;
        }
        this.peak = k;
        int magnitude = x == 0 ? 0 : (int) Math.floor(log10Term(peak));
        this.scale = GUARD_DIGITS - Math.min(magnitude, 0);
        this.working = new MathContext(Math.max(magnitude, 0) + GUARD_DIGITS + WORKING_DIGITS, RoundingMode.HALF_EVEN);
        this.xSquared = this.x.multiply(this.x, working);
    }

    /** Significant digits of the arithmetic before rounding. */
    int precision() {
        return working.getPrecision();
    }

    /** The sum of terms k in [first, end), each rounded to the quantum; exact given those terms. */
    BigDecimal sum(int first, int end) {
        BigDecimal sum = BigDecimal.ZERO.setScale(scale);
        int largest = Math.clamp(peak, first, end - 1);
        // Terms far below half a quantum round to zero: skip their costly factorials. The margin
        // of 5 digits dwarfs the error of the logarithm estimate, so the result is unchanged.
        if (absX == 0 || log10Term(largest) < -scale - 5) {
            return sum;
        }
        BigDecimal term = firstTerm(first);
        for (int k = first; k < end; k++) {
            sum = sum.add(term.setScale(scale, RoundingMode.HALF_EVEN));
            long nextDivisor = (2L * k + 2) * (2L * k + 3);
            term = term.multiply(xSquared, working)
                    .divide(BigDecimal.valueOf(nextDivisor), working)
                    .negate();
        }
        return sum;
    }

    /** (-1)^k x^(2k+1) / (2k+1)!, to the working precision. */
    private BigDecimal firstTerm(int k) {
        int n = 2 * k + 1;
        BigDecimal term = x.pow(n, working).divide(factorial(n), working);
        return k % 2 == 0 ? term : term.negate();
    }

    /** n! to the working precision; factors are batched into a long to save BigDecimal steps. */
    private BigDecimal factorial(int n) {
        BigDecimal product = BigDecimal.ONE;
        long batch = 1;
        for (long i = 2; i <= n; i++) {
            if (batch > Long.MAX_VALUE / i) {
                product = product.multiply(BigDecimal.valueOf(batch), working);
                batch = 1;
            }
            batch *= i;
        }
        return product.multiply(BigDecimal.valueOf(batch), working);
    }

    /** log10 of |term k| = (2k+1)·log10|x| - log10((2k+1)!), in StrictMath for reproducibility. */
    private double log10Term(int k) {
        int n = 2 * k + 1;
        double log10Factorial = 0;
        for (int i = 2; i <= n; i++) {
            log10Factorial += StrictMath.log10(i);
        }
        return n * StrictMath.log10(absX) - log10Factorial;
    }
}
