package io.forkpool.kind;

import java.util.List;

/** The answer of a finished job; field names are the API's (docs/contract.md). */
public sealed interface JobResult {

    record PiResult(double estimate, long inside, long samples, double stdError, double[] ci95) implements JobResult {}

    record Bin(double from, double to, long count) {}

    record ProjectileResult(List<Bin> bins, long samples, double minRange, double maxRange) implements JobResult {}

    record DiceResult(long[] counts, double[] frequencies, double chiSquare, double pValue) implements JobResult {}

    record SineResult(double approximation, double exact, double absError, int terms) implements JobResult {}

    /** {@code smallest} is null when no multiple was drawn. */
    record SmallestMultipleResult(Long smallest, long multiples) implements JobResult {}
}
