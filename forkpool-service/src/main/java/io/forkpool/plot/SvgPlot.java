package io.forkpool.plot;

import io.forkpool.kind.JobResult;
import io.forkpool.kind.JobResult.Bin;
import io.forkpool.kind.JobResult.DiceResult;
import io.forkpool.kind.JobResult.PiResult;
import io.forkpool.kind.JobResult.ProjectileResult;
import io.forkpool.kind.JobResult.SineResult;
import io.forkpool.kind.JobResult.SmallestMultipleResult;
import io.forkpool.kind.api.Plot;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.RequestFields;
import java.util.List;
import java.util.Locale;

/**
 * A job's result drawn as a standalone SVG document ({@code GET /api/v1/jobs/{id}/plot.svg}):
 * projectile and dice as histograms, pi as its estimate with the 95% interval against π, sine as
 * the approximation against the exact value, smallest-multiple as a text card.
 *
 * <p>Pure: no I/O, no state, the same result always gives the same bytes. 640×400 with a
 * {@code viewBox}, so it scales. Every text is XML-escaped. Shapes carry a {@code class} (and
 * the bars a {@code data-count}) so tests and scripts can find them.
 */
public final class SvgPlot {

    static final int WIDTH = 640;
    static final int HEIGHT = 400;
    /** The plotting area of the charts. */
    static final double LEFT = 76;

    static final double RIGHT = 616;
    static final double TOP = 64;
    static final double BOTTOM = 318;

    private static final String FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";
    private static final String INK = "#222";
    private static final String MUTED = "#666";
    private static final String GRID = "#e3e3e3";
    private static final String BAR = "#4c78a8";
    private static final String ACCENT = "#d62728";
    private static final String BAND = "#c6dbef";

    private SvgPlot() {}

    /**
     * The SVG of a finished job's result.
     *
     * @param type the job's type ({@code pi}, {@code projectile}, {@code dice}, {@code sine},
     *     {@code smallest-multiple}); it must match the result's kind
     * @param result the job's result, never null
     * @throws IllegalArgumentException for a null result, an unknown type or a type that does not
     *     match the result
     */
    public static String render(String type, JobResult result) {
        if (result == null) {
            throw new IllegalArgumentException("no result to plot");
        }
        String expected = switch (result) {
            case PiResult r -> "pi";
            case ProjectileResult r -> "projectile";
            case DiceResult r -> "dice";
            case SineResult r -> "sine";
            case SmallestMultipleResult r -> "smallest-multiple";
        };
        if (!expected.equals(type)) {
            throw new IllegalArgumentException("a " + expected + " result cannot be drawn as type " + type);
        }
        return switch (result) {
            case PiResult r -> pi(r);
            case ProjectileResult r -> projectile(r);
            case DiceResult r -> dice(r);
            case SineResult r -> sine(r);
            case SmallestMultipleResult r -> smallestMultiple(r);
        };
    }

    /**
     * The SVG of a finished job's result: the built-in kinds' own drawings, else the chart the
     * job's kind describes ({@link Plot}), else a card of the result's fields.
     */
    public static String render(JobRequest request, Record result) {
        if (result instanceof JobResult builtIn) {
            return render(request.type(), builtIn);
        }
        if (result == null) {
            throw new IllegalArgumentException("no result to plot");
        }
        Plot plot = request.plot(result);
        return switch (plot) {
            case Plot.Bars bars -> bars(bars);
            case Plot.Series series -> series(series);
            case null -> card(request.type(), result);
        };
    }

    private static String bars(Plot.Bars p) {
        var svg = new Svg(p.title(), p.subtitle());
        List<Plot.Bar> bars = p.bars();
        long[] heights =
                bars.stream().mapToLong(b -> Math.round(finiteOr(b.value(), 0))).toArray();
        double yMax = countAxis(svg, heights);
        double slot = (RIGHT - LEFT) / Math.max(1, bars.size());
        int every = (int) Math.ceil(bars.size() / Math.max(1.0, Math.floor((RIGHT - LEFT) / 40)));
        for (int i = 0; i < bars.size(); i++) {
            double x = LEFT + i * slot;
            bar(
                    svg,
                    x,
                    slot,
                    heights[i],
                    yMax,
                    bars.get(i).label() + ": " + significant(bars.get(i).value(), 6));
            if (i % Math.max(1, every) == 0) {
                svg.text(x + slot / 2, BOTTOM + 18, bars.get(i).label(), 11, INK, "middle", "x-label");
            }
        }
        if (p.reference() != null && Double.isFinite(p.reference()) && yMax > 0) {
            double y = BOTTOM - p.reference() / yMax * (BOTTOM - TOP);
            svg.raw(String.format(
                    Locale.ROOT,
                    "<line class=\"expected\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                            + "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
                    px(LEFT),
                    px(y),
                    px(RIGHT),
                    px(y),
                    ACCENT));
            if (p.referenceLabel() != null) {
                svg.text(RIGHT - 4, y - 6, p.referenceLabel(), 11, ACCENT, "end", "expected-label");
            }
        }
        if (p.xTitle() != null) {
            svg.text((LEFT + RIGHT) / 2, BOTTOM + 44, p.xTitle(), 12, INK, "middle", "x-title");
        }
        axes(svg);
        return svg.end();
    }

    private static String series(Plot.Series p) {
        var svg = new Svg(p.title(), p.subtitle());
        List<Plot.Point> points = p.points().stream()
                .filter(q -> Double.isFinite(q.x()) && Double.isFinite(q.y()))
                .toList();
        double x0 = points.stream().mapToDouble(Plot.Point::x).min().orElse(0);
        double x1 = points.stream().mapToDouble(Plot.Point::x).max().orElse(1);
        double y0 = Math.min(0, points.stream().mapToDouble(Plot.Point::y).min().orElse(0));
        double y1 = points.stream().mapToDouble(Plot.Point::y).max().orElse(1);
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        if (y1 == y0) {
            y1 = y0 + 1;
        }
        for (int i = 0; i <= 4; i++) {
            double v = y0 + (y1 - y0) * i / 4;
            double y = BOTTOM - (v - y0) / (y1 - y0) * (BOTTOM - TOP);
            svg.line(LEFT, y, RIGHT, y, GRID, 1, "grid");
            svg.text(LEFT - 8, y + 4, significant(v, 3), 11, INK, "end", "y-label");
            double xv = x0 + (x1 - x0) * i / 4;
            svg.text(LEFT + (RIGHT - LEFT) * i / 4, BOTTOM + 18, significant(xv, 3), 11, INK, "middle", "x-label");
        }
        var path = new StringBuilder();
        for (Plot.Point q : points) {
            double x = LEFT + (q.x() - x0) / (x1 - x0) * (RIGHT - LEFT);
            double y = BOTTOM - (q.y() - y0) / (y1 - y0) * (BOTTOM - TOP);
            path.append(path.isEmpty() ? "" : " ").append(px(x)).append(',').append(px(y));
        }
        svg.raw(String.format(
                Locale.ROOT,
                "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" " + "points=\"%s\"/>",
                BAR,
                path));
        if (p.xTitle() != null) {
            svg.text((LEFT + RIGHT) / 2, BOTTOM + 44, p.xTitle(), 12, INK, "middle", "x-title");
        }
        if (p.yTitle() != null) {
            svg.text(18, TOP - 10, p.yTitle(), 12, INK, "start", "y-title");
        }
        axes(svg);
        return svg.end();
    }

    /** A kind without a chart: its result's fields on a card. */
    private static String card(String type, Record result) {
        var svg = new Svg(type, "the result's fields");
        svg.raw(String.format(
                Locale.ROOT,
                "<rect class=\"card\" x=\"80\" y=\"70\" width=\"480\" height=\"280\" "
                        + "rx=\"14\" fill=\"#f4f7fb\" stroke=\"%s\" stroke-width=\"1.5\"/>",
                BAR));
        double y = 110;
        for (var entry : RequestFields.asMap(result).entrySet()) {
            if (y > 330) {
                break;
            }
            Object v = entry.getValue();
            String text = v instanceof Double d
                    ? significant(d, 6)
                    : v instanceof long[] a
                            ? java.util.Arrays.toString(a)
                            : v instanceof double[] a ? java.util.Arrays.toString(a) : String.valueOf(v);
            if (text.length() > 48) {
                text = text.substring(0, 47) + "\u2026";
            }
            svg.text(300, y, entry.getKey(), 14, MUTED, "end", "card-label");
            svg.text(316, y, text, 14, INK, "start", "card-value");
            y += 26;
        }
        return svg.end();
    }

    // ---------------------------------------------------------------- kinds

    private static String projectile(ProjectileResult r) {
        List<Bin> bins = r.bins() == null ? List.of() : r.bins();
        int decimals = decimalsFor(bins.isEmpty() ? 0 : (r.maxRange() - r.minRange()) / bins.size());
        var svg = new Svg(
                "projectile: distribution of the range",
                String.format(
                        Locale.ROOT,
                        "%s samples in %d bins, range %s to %s m",
                        grouped(r.samples()),
                        bins.size(),
                        fixed(r.minRange(), decimals),
                        fixed(r.maxRange(), decimals)));
        long[] counts = bins.stream().mapToLong(Bin::count).toArray();
        double yMax = countAxis(svg, counts);
        double slot = (RIGHT - LEFT) / Math.max(1, bins.size());
        for (int i = 0; i < bins.size(); i++) {
            Bin bin = bins.get(i);
            bar(
                    svg,
                    LEFT + i * slot,
                    slot,
                    bin.count(),
                    yMax,
                    fixed(bin.from(), decimals) + "\u2013" + fixed(bin.to(), decimals) + " m: " + grouped(bin.count()));
        }
        // Edge labels under the axis: at most one every 64 px, first edge always.
        int edges = bins.size() + 1;
        int every = (int) Math.ceil(edges / Math.max(1.0, Math.floor((RIGHT - LEFT) / 64)));
        for (int e = 0; e < edges && !bins.isEmpty(); e += every) {
            double edge = e < bins.size()
                    ? bins.get(e).from()
                    : bins.get(bins.size() - 1).to();
            double x = LEFT + e * slot;
            svg.line(x, BOTTOM, x, BOTTOM + 5, INK, 1, "tick");
            svg.text(x, BOTTOM + 18, fixed(edge, decimals), 11, INK, "middle", "x-label");
        }
        svg.text((LEFT + RIGHT) / 2, BOTTOM + 44, "range (m)", 12, INK, "middle", "x-title");
        axes(svg);
        return svg.end();
    }

    private static String dice(DiceResult r) {
        long[] counts = r.counts() == null ? new long[0] : r.counts();
        long rolls = 0;
        for (long c : counts) {
            rolls += c;
        }
        var svg = new Svg(
                "dice: rolls per face",
                String.format(
                        Locale.ROOT,
                        "%s rolls of a %d-sided die, \u03c7\u00b2 = %s (%d df), p = %s",
                        grouped(rolls),
                        counts.length,
                        significant(r.chiSquare(), 4),
                        Math.max(0, counts.length - 1),
                        significant(r.pValue(), 3)));
        double yMax = countAxis(svg, counts);
        double slot = (RIGHT - LEFT) / Math.max(1, counts.length);
        int every = (int) Math.ceil(counts.length / Math.max(1.0, Math.floor((RIGHT - LEFT) / 28)));
        for (int f = 0; f < counts.length; f++) {
            double x = LEFT + f * slot;
            bar(svg, x, slot, counts[f], yMax, "face " + (f + 1) + ": " + grouped(counts[f]));
            if (f % every == 0) {
                svg.text(x + slot / 2, BOTTOM + 18, Integer.toString(f + 1), 11, INK, "middle", "x-label");
            }
        }
        if (counts.length > 0 && yMax > 0) {
            double expected = (double) rolls / counts.length;
            double y = BOTTOM - expected / yMax * (BOTTOM - TOP);
            svg.raw(String.format(
                    Locale.ROOT,
                    "<line class=\"expected\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                            + "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
                    px(LEFT),
                    px(y),
                    px(RIGHT),
                    px(y),
                    ACCENT));
            svg.text(
                    RIGHT - 4, y - 6, "expected " + grouped(Math.round(expected)), 11, ACCENT, "end", "expected-label");
        }
        svg.text((LEFT + RIGHT) / 2, BOTTOM + 44, "face", 12, INK, "middle", "x-title");
        axes(svg);
        return svg.end();
    }

    private static String pi(PiResult r) {
        double estimate = r.estimate();
        double lo;
        double hi;
        if (r.ci95() != null && r.ci95().length == 2) {
            lo = Math.min(r.ci95()[0], r.ci95()[1]);
            hi = Math.max(r.ci95()[0], r.ci95()[1]);
        } else {
            lo = estimate - 1.96 * r.stdError();
            hi = estimate + 1.96 * r.stdError();
        }
        var svg = new Svg(
                "pi: estimate with its 95% interval against \u03c0",
                String.format(
                        Locale.ROOT,
                        "%s samples, %s inside the quarter circle",
                        grouped(r.samples()),
                        grouped(r.inside())));
        double min = Math.min(Math.min(lo, Math.PI), estimate);
        double max = Math.max(Math.max(hi, Math.PI), estimate);
        double span = max - min;
        if (!(span > 0) || !Double.isFinite(span)) {
            span = Math.max(Math.abs(estimate) * 1e-9, 1e-12);
        }
        double from = min - span * 0.2;
        double to = max + span * 0.2;
        double axisY = 230;
        double left = LEFT;
        double right = RIGHT - 16;
        java.util.function.DoubleUnaryOperator x = v -> left + (v - from) / (to - from) * (right - left);

        // ticks
        double step = niceStep((to - from) / 5);
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step)));
        for (double t = Math.ceil(from / step) * step; t <= to + step * 1e-9; t += step) {
            double tx = x.applyAsDouble(t);
            svg.line(tx, axisY, tx, axisY + 5, INK, 1, "tick");
            svg.text(tx, axisY + 19, fixed(t, decimals), 11, INK, "middle", "x-label");
        }
        svg.line(left, axisY, right, axisY, INK, 1, "axis");

        // the interval: a band, a line with end caps, the estimate as a dot
        double y = 170;
        svg.raw(String.format(
                Locale.ROOT,
                "<rect class=\"interval-band\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" " + "fill=\"%s\"/>",
                px(x.applyAsDouble(lo)),
                px(y - 22),
                px(Math.max(0.5, x.applyAsDouble(hi) - x.applyAsDouble(lo))),
                px(44),
                BAND));
        svg.raw(String.format(
                Locale.ROOT,
                "<line class=\"interval\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                        + "stroke=\"%s\" stroke-width=\"3\"/>",
                px(x.applyAsDouble(lo)),
                px(y),
                px(x.applyAsDouble(hi)),
                px(y),
                BAR));
        for (double end : new double[] {lo, hi}) {
            svg.line(x.applyAsDouble(end), y - 12, x.applyAsDouble(end), y + 12, BAR, 3, "interval-cap");
        }
        svg.raw(String.format(
                Locale.ROOT,
                "<circle class=\"estimate\" cx=\"%s\" cy=\"%s\" r=\"6\" fill=\"%s\">" + "<title>%s</title></circle>",
                px(x.applyAsDouble(estimate)),
                px(y),
                INK,
                escape("estimate " + significant(estimate, 10))));
        svg.text(
                x.applyAsDouble(estimate),
                y - 30,
                "estimate " + significant(estimate, 9),
                12,
                INK,
                "middle",
                "estimate-label");

        // π itself
        double px = x.applyAsDouble(Math.PI);
        svg.raw(String.format(
                Locale.ROOT,
                "<line class=\"pi\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" "
                        + "stroke-width=\"2\" stroke-dasharray=\"5 3\"/>",
                px(px),
                px(TOP + 22),
                px(px),
                px(axisY),
                ACCENT));
        svg.text(px, TOP + 14, "\u03c0 = 3.14159265", 12, ACCENT, "middle", "pi-label");

        // the numbers, spelled out
        double sigma = r.stdError() > 0 ? Math.abs(estimate - Math.PI) / r.stdError() : Double.NaN;
        boolean inside = lo <= Math.PI && Math.PI <= hi;
        double textY = axisY + 52;
        svg.text(
                LEFT,
                textY,
                "95% interval [" + significant(lo, 9) + ", " + significant(hi, 9) + "]",
                12,
                INK,
                "start",
                "interval-label");
        svg.text(
                LEFT,
                textY + 20,
                "standard error " + significant(r.stdError(), 3) + ";  |estimate \u2212 \u03c0| = "
                        + significant(Math.abs(estimate - Math.PI), 3)
                        + (Double.isNaN(sigma) ? "" : " (" + fixed(sigma, 2) + " standard errors)"),
                12,
                INK,
                "start",
                "error-label");
        svg.text(
                LEFT,
                textY + 40,
                inside ? "\u03c0 lies inside the 95% interval" : "\u03c0 lies outside the 95% interval",
                12,
                inside ? INK : ACCENT,
                "start",
                "verdict");
        return svg.end();
    }

    private static String sine(SineResult r) {
        var svg = new Svg(
                "sine: Taylor approximation against the exact value",
                String.format(
                        Locale.ROOT,
                        "%d term%s of the series; absolute error %s",
                        r.terms(),
                        r.terms() == 1 ? "" : "s",
                        significant(r.absError(), 3)));
        double[] values = {r.approximation(), r.exact()};
        String[] names = {"Taylor series, " + r.terms() + (r.terms() == 1 ? " term" : " terms"), "exact (Math.sin)"};
        String[] colors = {BAR, ACCENT};
        double min = Math.min(0, Math.min(values[0], values[1]));
        double max = Math.max(0, Math.max(values[0], values[1]));
        if (!(max - min > 0) || !Double.isFinite(max - min)) {
            max = 1;
            min = finiteOr(min, 0);
        }
        double step = niceStep((max - min) / 5);
        double yTop = Math.ceil(max / step) * step;
        double yBottom = Math.floor(min / step) * step;
        double top = TOP;
        double bottom = BOTTOM;
        double from = yBottom;
        double to = yTop;
        java.util.function.DoubleUnaryOperator y = v -> bottom - (v - from) / (to - from) * (bottom - top);
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step)));
        for (double t = yBottom; t <= yTop + step * 1e-9; t += step) {
            double ty = y.applyAsDouble(t);
            svg.line(LEFT, ty, RIGHT, ty, GRID, 1, "grid");
            svg.text(LEFT - 8, ty + 4, fixed(t, decimals), 11, INK, "end", "y-label");
        }
        double zero = y.applyAsDouble(0);
        double slot = (RIGHT - LEFT) / 2;
        for (int i = 0; i < 2; i++) {
            double v = finiteOr(values[i], 0);
            double top1 = Math.min(zero, y.applyAsDouble(v));
            double height = Math.abs(y.applyAsDouble(v) - zero);
            double bx = LEFT + i * slot + slot * 0.25;
            svg.raw(String.format(
                    Locale.ROOT,
                    "<rect class=\"value-bar\" x=\"%s\" y=\"%s\" width=\"%s\" "
                            + "height=\"%s\" fill=\"%s\"><title>%s</title></rect>",
                    px(bx),
                    px(top1),
                    px(slot * 0.5),
                    px(height),
                    colors[i],
                    escape(names[i] + ": " + significant(values[i], 15))));
            // above the bar, or for a bar hanging below zero, above the zero line
            double labelY = v >= 0 ? top1 - 8 : zero - 8;
            svg.text(bx + slot * 0.25, labelY, significant(values[i], 12), 12, INK, "middle", "value-label");
            svg.text(bx + slot * 0.25, BOTTOM + 18, names[i], 12, INK, "middle", "x-label");
        }
        svg.line(LEFT, zero, RIGHT, zero, INK, 1, "axis");
        svg.line(LEFT, TOP, LEFT, BOTTOM, INK, 1, "axis");
        double relative = r.exact() != 0 ? r.absError() / Math.abs(r.exact()) : Double.NaN;
        svg.text(
                (LEFT + RIGHT) / 2,
                BOTTOM + 44,
                "|approximation \u2212 exact| = " + significant(r.absError(), 3)
                        + (Double.isNaN(relative) ? "" : " (relative " + significant(relative, 3) + ")"),
                12,
                INK,
                "middle",
                "error-label");
        return svg.end();
    }

    private static String smallestMultiple(SmallestMultipleResult r) {
        var svg = new Svg("smallest-multiple", "the smallest of the drawn samples that is a multiple of the factor");
        svg.raw(String.format(
                Locale.ROOT,
                "<rect class=\"card\" x=\"120\" y=\"90\" width=\"400\" height=\"230\" "
                        + "rx=\"14\" fill=\"#f4f7fb\" stroke=\"%s\" stroke-width=\"1.5\"/>",
                BAR));
        svg.text(320, 140, "smallest multiple drawn", 16, MUTED, "middle", "card-label");
        svg.text(320, 215, r.smallest() == null ? "none" : grouped(r.smallest()), 56, INK, "middle", "card-value");
        svg.text(
                320,
                270,
                r.smallest() == null
                        ? "no sample was a multiple of the factor"
                        : grouped(r.multiples()) + (r.multiples() == 1 ? " multiple" : " multiples")
                                + " among the samples",
                14,
                MUTED,
                "middle",
                "card-detail");
        return svg.end();
    }

    // ---------------------------------------------------------------- chart parts

    /** Grid lines and labels of a count axis from 0; returns the axis' top value. */
    private static double countAxis(Svg svg, long[] counts) {
        long max = 0;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        double step = max == 0 ? 1 : niceStep(Math.max(1, max / 5.0));
        double yMax = max == 0 ? 5 : Math.ceil(max / step) * step;
        for (double t = 0; t <= yMax + step * 1e-9; t += step) {
            double y = BOTTOM - t / yMax * (BOTTOM - TOP);
            svg.line(LEFT, y, RIGHT, y, GRID, 1, "grid");
            svg.text(LEFT - 8, y + 4, compact(t), 11, INK, "end", "y-label");
        }
        svg.raw(String.format(
                Locale.ROOT,
                "<text class=\"y-title\" x=\"18\" y=\"%s\" font-size=\"12\" fill=\"%s\" "
                        + "text-anchor=\"middle\" transform=\"rotate(-90 18 %s)\">count</text>",
                px((TOP + BOTTOM) / 2),
                INK,
                px((TOP + BOTTOM) / 2)));
        return yMax;
    }

    /** One histogram bar: its height is {@code count / yMax} of the plot's height. */
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

    private static void axes(Svg svg) {
        svg.line(LEFT, BOTTOM, RIGHT, BOTTOM, INK, 1, "axis");
        svg.line(LEFT, TOP, LEFT, BOTTOM, INK, 1, "axis");
    }

    // ---------------------------------------------------------------- numbers

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        if (!(rough > 0) || !Double.isFinite(rough)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * power >= rough) {
                return m * power;
            }
        }
        return 10 * power;
    }

    /** Enough decimals to tell edges {@code width} apart. */
    private static int decimalsFor(double width) {
        if (!(width > 0) || !Double.isFinite(width)) {
            return 1;
        }
        return Math.max(0, Math.min(9, (int) Math.ceil(-Math.log10(width)) + 1));
    }

    private static String grouped(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

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

    private static String fixed(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String significant(double value, int digits) {
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

    private static double finiteOr(double value, double fallback) {
        return Double.isFinite(value) ? value : fallback;
    }

    /** A coordinate, to a hundredth of a pixel. */
    private static String px(double v) {
        if (!Double.isFinite(v)) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.endsWith(".00") ? s.substring(0, s.length() - 3) : s;
    }

    /**
     * Text for XML character data and attribute values: the five markup characters as entities,
     * and characters XML 1.0 does not allow (controls, lone surrogates) replaced by U+FFFD.
     */
    static String escape(String text) {
        var out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\t', '\n', '\r' -> out.append(c);
                default -> {
                    if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
                        out.append('\uFFFD');
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The document being written: header, title and subtitle first. */
    private static final class Svg {

        private final StringBuilder out = new StringBuilder(4096);

        Svg(String title, String subtitle) {
            out.append(String.format(
                    Locale.ROOT,
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                            + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"plot-title\" %s>\n",
                    WIDTH,
                    HEIGHT,
                    WIDTH,
                    HEIGHT,
                    FONT));
            out.append("<title id=\"plot-title\">")
                    .append(escape(title + " \u2014 " + subtitle))
                    .append("</title>\n");
            out.append(String.format(
                    Locale.ROOT,
                    "<rect class=\"background\" x=\"0\" y=\"0\" width=\"%d\" " + "height=\"%d\" fill=\"#ffffff\"/>\n",
                    WIDTH,
                    HEIGHT));
            text(WIDTH / 2.0, 26, title, 16, INK, "middle", "title");
            text(WIDTH / 2.0, 46, subtitle, 12, MUTED, "middle", "subtitle");
        }

        void text(double x, double y, String text, int size, String fill, String anchor, String cls) {
            out.append(String.format(
                    Locale.ROOT,
                    "<text class=\"%s\" x=\"%s\" y=\"%s\" font-size=\"%d\" "
                            + "fill=\"%s\" text-anchor=\"%s\"%s>%s</text>\n",
                    cls,
                    px(x),
                    px(y),
                    size,
                    fill,
                    anchor,
                    cls.equals("title") ? " font-weight=\"bold\"" : "",
                    escape(text)));
        }

        void line(double x1, double y1, double x2, double y2, String stroke, double width, String cls) {
            out.append(String.format(
                    Locale.ROOT,
                    "<line class=\"%s\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                            + "stroke=\"%s\" stroke-width=\"%s\"/>\n",
                    cls,
                    px(x1),
                    px(y1),
                    px(x2),
                    px(y2),
                    stroke,
                    px(width)));
        }

        void raw(String element) {
            out.append(element).append('\n');
        }

        String end() {
            return out.append("</svg>\n").toString();
        }
    }
}
