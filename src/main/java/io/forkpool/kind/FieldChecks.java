package io.forkpool.kind;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the {@link FieldError}s of one raw request. Each check returns whether the field is
 * usable (valid, or absent and so defaulted), so that a cross-field check only runs on fields that
 * passed their own checks and a user sees one error per bad field, not a cascade.
 */
final class FieldChecks {

    private final List<FieldError> errors = new ArrayList<>();

    List<FieldError> errors() {
        return List.copyOf(errors);
    }

    void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** A required field: an error when it is absent. */
    boolean present(String field, Object value) {
        if (value == null) {
            error(field, "is required");
            return false;
        }
        return true;
    }

    /** A whole number in [min, max]; absent counts as usable (the caller knows if it is required). */
    boolean between(String field, Long value, long min, long max) {
        if (value != null && (value < min || value > max)) {
            error(field, "must be between " + min + " and " + max);
            return false;
        }
        return true;
    }

    boolean between(String field, Integer value, int min, int max) {
        return between(field, value == null ? null : value.longValue(), min, max);
    }

    /** A finite number in [min, max]; NaN and infinities are errors too. */
    boolean between(String field, Double value, double min, double max) {
        if (value == null) {
            return true;
        }
        if (!Double.isFinite(value) || value < min || value > max) {
            error(field, "must be a finite number between " + plain(min) + " and " + plain(max));
            return false;
        }
        return true;
    }

    /** A finite number in (0, max]. */
    boolean positiveAtMost(String field, Double value, double max) {
        if (value == null) {
            return true;
        }
        if (!Double.isFinite(value) || value <= 0 || value > max) {
            error(field, "must be a finite number greater than 0 and at most " + plain(max));
            return false;
        }
        return true;
    }

    /**
     * low ≤ high (or low < high when strict), comparing the values the job will run with (the
     * given ones or the defaults). The error names the high field, unless the user left it out:
     * then it names the low field, the one they can see in their request.
     */
    <T extends Comparable<T>> void ordered(
            String lowField, T low, T lowDefault, String highField, T high, T highDefault, boolean strict) {
        T lo = low != null ? low : lowDefault;
        T hi = high != null ? high : highDefault;
        int cmp = lo.compareTo(hi);
        if (cmp < 0 || (cmp == 0 && !strict)) {
            return;
        }
        String relation = strict ? "less than " : "at most ";
        if (high == null) {
            error(lowField, "must be " + relation + highField + " (" + plain(hi) + ", the default)");
        } else {
            String inverse = strict ? "greater than " : "at least ";
            String loText = plain(lo) + (low == null ? ", the default" : "");
            error(highField, "must be " + inverse + lowField + " (" + loText + ")");
        }
    }

    /** 1000000 rather than 1000000.0 or 1.0E6 in messages. */
    private static String plain(Object number) {
        if (number instanceof Double d && Double.isFinite(d)) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(number);
    }
}
