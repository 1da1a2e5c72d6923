package io.forkpool.kind;

import java.util.List;

/** The answer of a finished job; field names are the API's (docs/contract.md). */
public sealed interface JobResult {

    /** {@code exact}: π itself, to compare with (as the sine's and the birthday example's exact value). */
    record PiResult(double estimate, long inside, long samples, double stdError, double[] ci95, double exact)
            implements JobResult {}

    record Bin(double from, double to, long count) {}

    /**
     * {@code meanRange} and its standard error {@code meanRangeStdError} are read from the bins
     * (each sample at its bin's middle), so the error is a little larger than the unbinned one
     * (by the w²/12 a bin of width w adds to the variance): safe as a precision target.
     */
    record ProjectileResult(
            List<Bin> bins, long samples, double minRange, double maxRange, double meanRange, double meanRangeStdError)
            implements JobResult {}

    /** {@code maxStdError}: the largest standard error of a face's frequency, sqrt(f(1-f)/rolls). */
    record DiceResult(long[] counts, double[] frequencies, double chiSquare, double pValue, double maxStdError)
            implements JobResult {}

    record SineResult(double approximation, double exact, double absError, int terms) implements JobResult {}

    /** {@code smallest} is null when no multiple was drawn. */
    record SmallestMultipleResult(Long smallest, long multiples) implements JobResult {}
}
