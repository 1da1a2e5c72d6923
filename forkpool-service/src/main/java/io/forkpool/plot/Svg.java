package io.forkpool.plot;

import java.util.Locale;

/** An SVG document being written, 640 by 400: header, title and subtitle first; its geometry and colours. */
final class Svg {

    static final int WIDTH = 640;
    static final int HEIGHT = 400;
    /** The plotting area's edges. */
    static final double LEFT = 76;

    static final double RIGHT = 616;
    static final double TOP = 64;
    static final double BOTTOM = 318;

    static final String INK = "#222";
    static final String MUTED = "#666";
    static final String GRID = "#e3e3e3";
    static final String BAR = "#4c78a8";
    static final String ACCENT = "#d62728";
    static final String BAND = "#c6dbef";

    private static final String FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

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

    /** A text; null (a field a kind's plot left out) as an empty one. */
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
                escape(text == null ? "" : text)));
    }

    void line(double x1, double y1, double x2, double y2, String stroke, double width, String cls) {
        out.append(String.format(
                Locale.ROOT,
                "<line class=\"%s\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" " + "stroke=\"%s\" stroke-width=\"%s\"/>\n",
                cls,
                px(x1),
                px(y1),
                px(x2),
                px(y2),
                stroke,
                px(width)));
    }

    /** A dashed line across the plot at height {@code y}, in the accent colour. */
    void referenceLine(double y) {
        raw(String.format(
                Locale.ROOT,
                "<line class=\"expected\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                        + "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
                px(LEFT),
                px(y),
                px(RIGHT),
                px(y),
                ACCENT));
    }

    /** The x axis at the bottom of the plot and the y axis at its left. */
    void axes() {
        line(LEFT, BOTTOM, RIGHT, BOTTOM, INK, 1, "axis");
        line(LEFT, TOP, LEFT, BOTTOM, INK, 1, "axis");
    }

    void raw(String element) {
        out.append(element).append('\n');
    }

    String end() {
        return out.append("</svg>\n").toString();
    }

    /** A coordinate, to a hundredth of a pixel. */
    static String px(double v) {
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

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code rough}: an axis' step. */
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
}
