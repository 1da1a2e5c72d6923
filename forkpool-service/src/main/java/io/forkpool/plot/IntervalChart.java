package io.forkpool.plot;

import static io.forkpool.kind.api.PlotText.fixed;
import static io.forkpool.kind.api.PlotText.significant;
import static io.forkpool.plot.Svg.ACCENT;
import static io.forkpool.plot.Svg.BAND;
import static io.forkpool.plot.Svg.BAR;
import static io.forkpool.plot.Svg.INK;
import static io.forkpool.plot.Svg.LEFT;
import static io.forkpool.plot.Svg.RIGHT;
import static io.forkpool.plot.Svg.TOP;
import static io.forkpool.plot.Svg.escape;
import static io.forkpool.plot.Svg.px;

import io.forkpool.kind.api.Plot;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/** {@link Plot.Interval}: an estimate and its interval against a known value, on one number line. */
final class IntervalChart {

    private IntervalChart() {}

    static String draw(Plot.Interval p) {
        double estimate = p.estimate();
        double lo = Math.min(p.low(), p.high());
        double hi = Math.max(p.low(), p.high());
        double reference = p.reference();
        var svg = new Svg(p.title(), p.subtitle());
        double min = Math.min(Math.min(lo, reference), estimate);
        double max = Math.max(Math.max(hi, reference), estimate);
        double span = max - min;
        if (!(span > 0) || !Double.isFinite(span)) {
            span = Math.max(Math.abs(estimate) * 1e-9, 1e-12);
        }
        double from = min - span * 0.2;
        double to = max + span * 0.2;
        double axisY = 230;
        double left = LEFT;
        double right = RIGHT - 16;
        DoubleUnaryOperator x = v -> left + (v - from) / (to - from) * (right - left);

        // ticks
        double step = Svg.niceStep((to - from) / 5);
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

        // the known value
        double rx = x.applyAsDouble(reference);
        svg.raw(String.format(
                Locale.ROOT,
                "<line class=\"reference\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" "
                        + "stroke-width=\"2\" stroke-dasharray=\"5 3\"/>",
                px(rx),
                px(TOP + 22),
                px(rx),
                px(axisY),
                ACCENT));
        svg.text(rx, TOP + 14, p.referenceLabel(), 12, ACCENT, "middle", "reference-label");

        // the numbers, spelled out
        double textY = axisY + 52;
        for (Plot.Note note : p.notes()) {
            svg.text(LEFT, textY, note.text(), 12, note.alert() ? ACCENT : INK, "start", "note");
            textY += 20;
        }
        return svg.end();
    }
}
