package io.forkpool.kind.api;

import java.util.List;

/**
 * A chart of a job's result, drawn by forkpool as SVG ({@code /api/v1/jobs/{id}/plot.svg}) and in
 * the dashboard. Describe it; forkpool draws it.
 */
public sealed interface Plot {

    String title();

    String subtitle();

    /**
     * Bars: one per bucket (a histogram's bin, a die's face), with an optional reference level. The
     * y axis is a count: it is titled "count", starts at 0, and each height is rounded to a whole
     * number (a tooltip shows the value itself), so scale fractions up (the example kind draws
     * percent) and name the unit in {@code xTitle}. Negative values draw no bar.
     */
    record Bars(String title, String subtitle, String xTitle, List<Bar> bars, Double reference, String referenceLabel)
            implements Plot {

        public Bars {
            bars = List.copyOf(bars);
        }
    }

    /** One bar: its label under the axis and its height (drawn rounded to a whole number). */
    record Bar(String label, double value) {}

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
}
