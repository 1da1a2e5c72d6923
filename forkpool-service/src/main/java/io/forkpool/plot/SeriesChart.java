package io.forkpool.plot;

import static io.forkpool.kind.api.PlotText.significant;
import static io.forkpool.plot.Svg.BAR;
import static io.forkpool.plot.Svg.BOTTOM;
import static io.forkpool.plot.Svg.GRID;
import static io.forkpool.plot.Svg.INK;
import static io.forkpool.plot.Svg.LEFT;
import static io.forkpool.plot.Svg.RIGHT;
import static io.forkpool.plot.Svg.TOP;
import static io.forkpool.plot.Svg.px;

import io.forkpool.kind.api.Plot;
import java.util.List;
import java.util.Locale;

/** {@link Plot.Series}: one line through the points, on axes fitted to them. */
final class SeriesChart {

    private SeriesChart() {}

    static String draw(Plot.Series p) {
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
        svg.axes();
        return svg.end();
    }
}
