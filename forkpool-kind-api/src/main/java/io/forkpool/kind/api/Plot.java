package io.forkpool.kind.api;

import java.util.List;

/**
 * A chart of a job's result, drawn by forkpool as SVG ({@code /api/v1/jobs/{id}/plot.svg}) and in
 * the dashboard. Describe it; forkpool draws it. The five built-in kinds draw through these too.
 * {@link PlotText} formats numbers the way the charts' own labels do.
 */
public sealed interface Plot {

    String title();

    String subtitle();

    /**
     * Bars: one per bucket (a histogram's bin, a die's face), with an optional reference level. The
     * y axis is a count: it starts at 0, is titled {@code yTitle} ("count" when null), and each height
     * is rounded to a whole number (a tooltip shows the value itself), so scale fractions up (the
     * example kind draws percent) and name the unit in {@code xTitle}. Negative values draw no bar.
     * Labels go under the bars' centres, as many as fit (one per 28 px when every label has at most
     * 4 characters, else one per 40 px).
     *
     * <p>{@code edges}, when not null, makes the chart a histogram: the bars' {@code bars.size() + 1}
     * bin edges, labelled under the bars' sides (one per 64 px, with enough decimals to tell two
     * edges apart) instead of the bars' labels.
     */
    record Bars(
            String title,
            String subtitle,
            String xTitle,
            List<Bar> bars,
            Double reference,
            String referenceLabel,
            String yTitle,
            List<Double> edges)
            implements Plot {

        public Bars {
            bars = List.copyOf(bars);
            edges = edges == null ? null : List.copyOf(edges);
            if (edges != null && !bars.isEmpty() && edges.size() != bars.size() + 1) {
                throw new IllegalArgumentException(
                        bars.size() + " bars need " + (bars.size() + 1) + " edges, not " + edges.size());
            }
        }

        /** Bars titled "count", each under its label. */
        public Bars(
                String title, String subtitle, String xTitle, List<Bar> bars, Double reference, String referenceLabel) {
            this(title, subtitle, xTitle, bars, reference, referenceLabel, null, null);
        }
    }

    /**
     * One bar: its label under the axis and its height (drawn rounded to a whole number); its tooltip
     * is {@code tooltip}, or the label and the value to 6 significant digits when null.
     */
    record Bar(String label, double value, String tooltip) {

        public Bar(String label, double value) {
            this(label, value, null);
        }
    }

    /**
     * Points joined by one line, in the order given, e.g. an estimate against the number of terms;
     * the y axis runs from min(0, lowest y) to the highest; NaN and infinite points are left out.
     */
    record Series(String title, String subtitle, String xTitle, String yTitle, List<Point> points) implements Plot {

        public Series {
            points = List.copyOf(points);
        }
    }

    record Point(double x, double y) {}

    /**
     * An estimate with its interval against a known value, on one number line: the interval as a
     * band, the estimate as a dot (labelled "estimate" and its value), the known value as a dashed
     * line labelled {@code referenceLabel}; then {@code notes}, one line each, under the axis.
     */
    record Interval(
            String title,
            String subtitle,
            double estimate,
            double low,
            double high,
            double reference,
            String referenceLabel,
            List<Note> notes)
            implements Plot {

        public Interval {
            notes = List.copyOf(notes);
        }
    }

    /** A line of text under a chart; an alert one is drawn in the accent colour. */
    record Note(String text, boolean alert) {}

    /**
     * Decimal bars: a few values side by side on an axis through zero, each bar labelled with its
     * value (12 significant digits) and its label under the axis; a negative value hangs below the
     * zero line; a reference value (an exact one, say) is drawn in the accent colour. {@code note}:
     * a line under the chart, or null.
     */
    record Values(String title, String subtitle, List<Value> values, String note) implements Plot {

        public Values {
            values = List.copyOf(values);
        }
    }

    record Value(String label, double value, boolean reference) {}

    /** One figure in large type on a card, with a line above ({@code label}) and one below ({@code detail}). */
    record Headline(String title, String subtitle, String label, String value, String detail) implements Plot {}
}
