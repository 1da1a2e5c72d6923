package io.forkpool.plot;

import static io.forkpool.kind.api.PlotText.significant;
import static io.forkpool.plot.Svg.BAR;
import static io.forkpool.plot.Svg.INK;
import static io.forkpool.plot.Svg.MUTED;

import io.forkpool.kind.api.Plot;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.RequestFields;
import java.util.Arrays;
import java.util.Locale;

/**
 * Draws a finished job's result as a self-contained SVG document (640x400, no scripts, no external
 * resources): the chart its kind describes ({@link Plot}), or a card of the result's fields for a
 * kind that describes none. Knows no kind: the built-in ones describe their charts as plugins do.
 */
public final class SvgPlot {

    private SvgPlot() {}

    /**
     * The SVG of a finished job's result.
     *
     * @throws IllegalArgumentException for a null result
     */
    public static String render(JobRequest request, Record result) {
        if (result == null) {
            throw new IllegalArgumentException("no result to plot");
        }
        Plot plot = request.plot(result);
        return plot == null ? card(request.type(), result) : render(plot);
    }

    /** The SVG of a chart. */
    public static String render(Plot plot) {
        return switch (plot) {
            case Plot.Bars bars -> BarChart.draw(bars);
            case Plot.Series series -> SeriesChart.draw(series);
            case Plot.Interval interval -> IntervalChart.draw(interval);
            case Plot.Values values -> ValuesChart.draw(values);
            case Plot.Headline headline -> headline(headline);
        };
    }

    /** One figure in large type on a card. */
    private static String headline(Plot.Headline p) {
        var svg = new Svg(p.title(), p.subtitle());
        svg.raw(String.format(
                Locale.ROOT,
                "<rect class=\"card\" x=\"120\" y=\"90\" width=\"400\" height=\"230\" "
                        + "rx=\"14\" fill=\"#f4f7fb\" stroke=\"%s\" stroke-width=\"1.5\"/>",
                BAR));
        svg.text(320, 140, p.label(), 16, MUTED, "middle", "card-label");
        svg.text(320, 215, p.value(), 56, INK, "middle", "card-value");
        svg.text(320, 270, p.detail(), 14, MUTED, "middle", "card-detail");
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
                            ? Arrays.toString(a)
                            : v instanceof double[] a ? Arrays.toString(a) : String.valueOf(v);
            if (text.length() > 48) {
                text = text.substring(0, 47) + "\u2026";
            }
            svg.text(300, y, entry.getKey(), 14, MUTED, "end", "card-label");
            svg.text(316, y, text, 14, INK, "start", "card-value");
            y += 26;
        }
        return svg.end();
    }
}
