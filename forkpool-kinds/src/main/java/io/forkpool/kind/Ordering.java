package io.forkpool.kind;

import io.forkpool.kind.api.CrossCheck;
import java.math.BigDecimal;

/** The cross-field check the built-in kinds share: one field at most (or below) another. */
final class Ordering {

    private Ordering() {}

    /**
     * low ≤ high (or low < high when strict), comparing the values the job will run with (the
     * given ones or the defaults). The error names the high field, unless the user left it out:
     * then it names the low field, the one they can see in their request.
     */
    static <T extends Comparable<T>> void check(
            CrossCheck<?> check,
            String lowField,
            T low,
            T lowDefault,
            String highField,
            T high,
            T highDefault,
            boolean strict) {
        T lo = low != null ? low : lowDefault;
        T hi = high != null ? high : highDefault;
        int cmp = lo.compareTo(hi);
        if (cmp < 0 || (cmp == 0 && !strict)) {
            return;
        }
        String relation = strict ? "less than " : "at most ";
        if (high == null) {
            check.reject(lowField, "must be " + relation + highField + " (" + plain(hi) + ", the default)");
        } else {
            String inverse = strict ? "greater than " : "at least ";
            String loText = plain(lo) + (low == null ? ", the default" : "");
            check.reject(highField, "must be " + inverse + lowField + " (" + loText + ")");
        }
    }

    /** 1000000 rather than 1000000.0 or 1.0E6 in messages. */
    static String plain(Object number) {
        if (number instanceof Double d && Double.isFinite(d)) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(number);
    }
}
