package io.forkpool.kind.api;

import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * A field of a kind's result that says how precise the result is, so that a job can run {@code
 * until} it is precise enough: {@code {"until": {"stdError": 1e-6}}} stops the job at the smallest
 * in-order prefix of its shards whose merged result meets the target (docs/kinds.md, "Jobs that
 * stop on a precision target").
 *
 * <p>The measure is read from a result that {@link JobKind#finish} made from the merge of a prefix
 * of the shards, so {@code finish} must work on any such merge, not only on all of it (count the
 * samples from the partial, not from the request).
 *
 * @param field the name a body gives in {@code until}: usually the result field it reads
 * @param description one line for people (schema, form)
 * @param measure reads the measure from a result; NaN never meets a target
 * @param better which way is more precise: {@link Better#LOWER} (a standard error: met when the
 *     measure is at most the target) or {@link Better#HIGHER}
 * @param <T> the kind's result
 */
public record Precision<T extends Record>(
        String field, String description, ToDoubleFunction<T> measure, Better better) {

    /** Which way a measure is more precise. */
    public enum Better {
        /** Met when the measure is at most the target (standard errors, widths). */
        LOWER,
        /** Met when the measure is at least the target (an effective sample size). */
        HIGHER
    }

    public Precision {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(measure, "measure");
        Objects.requireNonNull(better, "better");
    }

    /** A measure that is better lower, as standard errors are. */
    public static <T extends Record> Precision<T> lowerIsBetter(
            String field, String description, ToDoubleFunction<T> measure) {
        return new Precision<>(field, description, measure, Better.LOWER);
    }

    /** The measure of {@code result}. */
    public double of(T result) {
        return measure.applyAsDouble(result);
    }

    /** Whether {@code result} meets {@code target}; a NaN measure never does. */
    public boolean met(T result, double target) {
        double value = of(result);
        if (Double.isNaN(value)) {
            return false;
        }
        return better == Better.LOWER ? value <= target : value >= target;
    }
}
