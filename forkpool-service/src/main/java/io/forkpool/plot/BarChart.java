package io.forkpool.plot;

import static io.forkpool.kind.api.PlotText.decimalsFor;
import static io.forkpool.kind.api.PlotText.fixed;
import static io.forkpool.kind.api.PlotText.significant;
import static io.forkpool.plot.Svg.BAR;
import static io.forkpool.plot.Svg.BOTTOM;
import static io.forkpool.plot.Svg.GRID;
import static io.forkpool.plot.Svg.INK;
import static io.forkpool.plot.Svg.LEFT;
import static io.forkpool.plot.Svg.RIGHT;
import static io.forkpool.plot.Svg.TOP;
import static io.forkpool.plot.Svg.escape;
import static io.forkpool.plot.Svg.px;

import io.forkpool.kind.api.Plot;
import java.util.List;
import java.util.Locale;

/** {@link Plot.Bars}: bars on a count axis from 0, labelled under their centres or, for a histogram, at their edges. */
final class BarChart {

    private BarChart() {}

    static String draw(Plot.Bars p) {
        var svg = new Svg(p.title(), p.subtitle());
        List<Plot.Bar> bars = p.bars();
        long[] heights =
                bars.stream().mapToLong(b -> Math.round(finiteOr(b.value(), 0))).toArray();
        double yMax = countAxis(svg, heights, p.yTitle() == null ? "count" : p.yTitle());
        double slot = (RIGHT - LEFT) / Math.max(1, bars.size());
        boolean shortLabels =
                bars.stream().allMatch(b -> b.label() == null || b.label().length() <= 4);
        int every = (int) Math.ceil(bars.size() / Math.max(1.0, Math.floor((RIGHT - LEFT) / (shortLabels ? 28 : 40))));
        for (int i = 0; i < bars.size(); i++) {
            Plot.Bar b = bars.get(i);
            double x = LEFT + i * slot;
            bar(
                    svg,
                    x,
                    slot,
                    heights[i],
                    yMax,
                    b.tooltip() != null ? b.tooltip() : b.label() + ": " + significant(b.value(), 6));
            if (p.edges() == null && i % Math.max(1, every) == 0) {
                svg.text(x + slot / 2, BOTTOM + 18, b.label(), 11, INK, "middle", "x-label");
            }
        }
        if (p.edges() != null && !bars.isEmpty()) {
            edgeLabels(svg, p.edges(), slot);
        }
        if (p.reference() != null && Double.isFinite(p.reference()) && yMax > 0) {
            double y = BOTTOM - p.reference() / yMax * (BOTTOM - TOP);
            svg.referenceLine(y);
            if (p.referenceLabel() != null) {
                svg.text(RIGHT - 4, y - 6, p.referenceLabel(), 11, Svg.ACCENT, "end", "expected-label");
            }
        }
        if (p.xTitle() != null) {
            svg.text((LEFT + RIGHT) / 2, BOTTOM + 44, p.xTitle(), 12, INK, "middle", "x-title");
        }
        svg.axes();
        return svg.end();
    }

    /** A histogram's edges under the axis: at most one every 64 px, the first edge always. */
    private static void edgeLabels(Svg svg, List<Double> edges, double slot) {
        int decimals = decimalsFor((edges.getLast() - edges.getFirst()) / (edges.size() - 1));
        int every = (int) Math.ceil(edges.size() / Math.max(1.0, Math.floor((RIGHT - LEFT) / 64)));
        for (int e = 0; e < edges.size(); e += every) {
            double x = LEFT + e * slot;
            svg.line(x, BOTTOM, x, BOTTOM + 5, INK, 1, "tick");
            svg.text(x, BOTTOM + 18, fixed(edges.get(e), decimals), 11, INK, "middle", "x-label");
        }
    }

    /** Grid lines and labels of a count axis from 0; returns the axis' top value. */
    private static double countAxis(Svg svg, long[] counts, String title) {
        long max = 0;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        double step = max == 0 ? 1 : Svg.niceStep(Math.max(1, max / 5.0));
        double yMax = max == 0 ? 5 : Math.ceil(max / step) * step;
        for (double t = 0; t <= yMax + step * 1e-9; t += step) {
            double y = BOTTOM - t / yMax * (BOTTOM - TOP);
            svg.line(LEFT, y, RIGHT, y, GRID, 1, "grid");
            svg.text(LEFT - 8, y + 4, compact(t), 11, INK, "end", "y-label");
        }
        svg.raw(String.format(
                Locale.ROOT,
                "<text class=\"y-title\" x=\"18\" y=\"%s\" font-size=\"12\" fill=\"%s\" "
                        + "text-anchor=\"middle\" transform=\"rotate(-90 18 %s)\">%s</text>",
                px((TOP + BOTTOM) / 2),
                INK,
                px((TOP + BOTTOM) / 2),
                escape(title)));
        return yMax;
    }

    /** One bar: its height is {@code count / yMax} of the plot's height. */
    private static void bar(Svg svg, double x, double slot, long count, double yMax, String tooltip) {
        double gap = slot >= 6 ? Math.min(slot * 0.12, 4) : 0;
        double height = yMax > 0 ? count / yMax * (BOTTOM - TOP) : 0;
        svg.raw(String.format(
                Locale.ROOT,
                "<rect class=\"bar\" data-count=\"%d\" x=\"%s\" y=\"%s\" width=\"%s\" "
                        + "height=\"%s\" fill=\"%s\"><title>%s</title></rect>",
                count,
                px(x + gap / 2),
                px(BOTTOM - height),
                px(slot - gap),
                px(height),
                BAR,
                escape(tooltip)));
    }

    /** 1500 as 1.5k, 2000000 as 2M. */
    private static String compact(double value) {
        double abs = Math.abs(value);
        String[] units = {"", "k", "M", "G", "T", "P", "E"};
        int u = 0;
        while (abs >= 1000 && u < units.length - 1) {
            abs /= 1000;
            value /= 1000;
            u++;
        }
        String digits = value == Math.rint(value)
                ? String.format(Locale.ROOT, "%d", (long) value)
                : String.format(Locale.ROOT, "%.3f", value)
                        .replaceAll("0+$", "")
                        .replaceAll("\\.$", "");
        return digits + units[u];
    }

    static double finiteOr(double value, double fallback) {
        return Double.isFinite(value) ? value : fallback;
    }
}
