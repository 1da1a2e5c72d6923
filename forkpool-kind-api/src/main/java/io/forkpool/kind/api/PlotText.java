package io.forkpool.kind.api;

import java.util.Locale;

/**
 * Numbers as forkpool's charts print them, for a {@link Plot}'s titles, labels and notes to read like
 * the axes beside them. Locale-independent.
 */
public final class PlotText {

    private PlotText() {}

    /** With thousands separators: {@code 1,234,567}. */
    public static String grouped(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** With {@code decimals} decimals; NaN and infinities as Java prints them. */
    public static String fixed(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /**
     * To {@code digits} significant digits without trailing zeros; in scientific form ({@code
     * 1.5e-6}) below 1e-4 and from 1e9 on.
     */
    public static String significant(double value, int digits) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        if (value == 0) {
            return "0";
        }
        double abs = Math.abs(value);
        if (abs >= 1e-4 && abs < 1e9) {
            int decimals = Math.max(0, digits - 1 - (int) Math.floor(Math.log10(abs)));
            String s = String.format(Locale.ROOT, "%." + decimals + "f", value);
            return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        }
        // 1.50e-06 -> 1.5e-6
        return String.format(Locale.ROOT, "%." + (digits - 1) + "e", value)
                .replaceAll("\\.?0+e", "e")
                .replaceAll("e\\+?(-?)0*(\\d)", "e$1$2");
    }

    /** Enough decimals to tell apart two edges {@code width} apart (1 for a width that is not positive). */
    public static int decimalsFor(double width) {
        if (!(width > 0) || !Double.isFinite(width)) {
            return 1;
        }
        return Math.max(0, Math.min(9, (int) Math.ceil(-Math.log10(width)) + 1));
    }
}
