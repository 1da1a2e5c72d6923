package io.forkpool.plot;

import static io.forkpool.kind.api.PlotText.fixed;
import static io.forkpool.kind.api.PlotText.significant;
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
import java.util.function.DoubleUnaryOperator;

/** {@link Plot.Values}: a few decimal values as bars on an axis through zero. */
final class ValuesChart {

    private ValuesChart() {}

    static String draw(Plot.Values p) {
        var svg = new Svg(p.title(), p.subtitle());
        List<Plot.Value> values = p.values();
        double min = 0;
        double max = 0;
        for (Plot.Value v : values) {
            min = Math.min(min, v.value());
            max = Math.max(max, v.value());
        }
        if (!(max - min > 0) || !Double.isFinite(max - min)) {
            max = 1;
            min = BarChart.finiteOr(min, 0);
        }
        double step = Svg.niceStep((max - min) / 5);
        double yTop = Math.ceil(max / step) * step;
        double yBottom = Math.floor(min / step) * step;
        DoubleUnaryOperator y = v -> BOTTOM - (v - yBottom) / (yTop - yBottom) * (BOTTOM - TOP);
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step)));
        for (double t = yBottom; t <= yTop + step * 1e-9; t += step) {
            double ty = y.applyAsDouble(t);
            svg.line(LEFT, ty, RIGHT, ty, GRID, 1, "grid");
            svg.text(LEFT - 8, ty + 4, fixed(t, decimals), 11, INK, "end", "y-label");
        }
        double zero = y.applyAsDouble(0);
        double slot = (RIGHT - LEFT) / Math.max(1, values.size());
        for (int i = 0; i < values.size(); i++) {
            Plot.Value value = values.get(i);
            double v = BarChart.finiteOr(value.value(), 0);
            double top = Math.min(zero, y.applyAsDouble(v));
            double height = Math.abs(y.applyAsDouble(v) - zero);
            double bx = LEFT + i * slot + slot * 0.25;
            svg.raw(String.format(
                    Locale.ROOT,
                    "<rect class=\"value-bar\" x=\"%s\" y=\"%s\" width=\"%s\" "
                            + "height=\"%s\" fill=\"%s\"><title>%s</title></rect>",
                    px(bx),
                    px(top),
                    px(slot * 0.5),
                    px(height),
                    value.reference() ? Svg.ACCENT : Svg.BAR,
                    escape(value.label() + ": " + significant(value.value(), 15))));
            // above the bar, or for a bar hanging below zero, above the zero line
            double labelY = v >= 0 ? top - 8 : zero - 8;
            svg.text(bx + slot * 0.25, labelY, significant(value.value(), 12), 12, INK, "middle", "value-label");
            svg.text(bx + slot * 0.25, BOTTOM + 18, value.label(), 12, INK, "middle", "x-label");
        }
        svg.line(LEFT, zero, RIGHT, zero, INK, 1, "axis");
        svg.line(LEFT, TOP, LEFT, BOTTOM, INK, 1, "axis");
        if (p.note() != null) {
            svg.text((LEFT + RIGHT) / 2, BOTTOM + 44, p.note(), 12, INK, "middle", "note");
        }
        return svg.end();
    }
}
