package io.forkpool.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The tutorial's figure, reproduced: runtime against n for pi and dice, forkpool through its HTTP
 * API (1 and 2 workers, the packaged jar on loopback, a ?wait job timed by the client) beside the
 * tutorial's own Python (bench/python/pi.py, dice.py: multiprocessing.Process, 1 and 2
 * processes) at the sizes that finish in time. Writes the table to target/sweep.md and the plot to
 * docs/sweep.svg (log-log, one line per series).
 *
 * <pre>bench/sweep.sh [max-exponent-forkpool] [python-seconds-cap]   (default 10 20)</pre>
 */
public class Sweep {

    record Series(String name, String color, String dash, Map<Long, Double> seconds) {}

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        int maxExp = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        double pyCap = args.length > 2 ? Double.parseDouble(args[2]) : 20;
        System.out.printf(
                "machine: %d cores, java %s, %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), E2eBench.loadavg());
        List<Long> sizes = new ArrayList<>();
        for (int e = 3; e <= maxExp; e++) {
            sizes.add((long) Math.pow(10, e));
        }
        var series = new ArrayList<Series>();
        String[] colors = {"#1f77b4", "#ff7f0e"};
        for (int workers = 1; workers <= 2; workers++) {
            try (var service = E2eBench.Service.start(jar, workers)) {
                // A service just started still compiles its own request path: warm it first.
                for (int i = 0; i < 500; i++) {
                    service.post("{\"type\":\"pi\",\"samples\":100000}");
                }
                for (String kind : new String[] {"pi", "dice"}) {
                    var s = new Series(
                            "forkpool " + kind + ", " + workers + " worker" + (workers > 1 ? "s" : ""),
                            colors[kind.equals("pi") ? 0 : 1],
                            workers == 1 ? "" : "6,3",
                            new LinkedHashMap<>());
                    for (long n : sizes) {
                        String body = kind.equals("pi")
                                ? "{\"type\":\"pi\",\"samples\":" + n + "}"
                                : "{\"type\":\"dice\",\"rolls\":" + n + ",\"faces\":6}";
                        int reps = n <= 10_000_000L ? 11 : n <= 1_000_000_000L ? 5 : 3;
                        for (int w = 0; w < (n >= 1_000_000_000L ? 1 : 3); w++) {
                            service.post(body);
                        }
                        double[] t = new double[reps];
                        for (int r = 0; r < reps; r++) {
                            long t0 = System.nanoTime();
                            service.post(body);
                            t[r] = (System.nanoTime() - t0) / 1e9;
                        }
                        Arrays.sort(t);
                        s.seconds().put(n, t[reps / 2]);
                        System.out.printf(
                                "%-28s n=%.0e  median %.4f s (of %d)%n", s.name(), (double) n, t[reps / 2], reps);
                    }
                    series.add(s);
                }
            }
        }
        for (String kind : new String[] {"pi", "dice"}) {
            for (int procs = 1; procs <= 2; procs++) {
                var s = new Series(
                        "Python " + kind + ", " + procs + " process" + (procs > 1 ? "es" : ""),
                        kind.equals("pi") ? "#2ca02c" : "#d62728",
                        procs == 1 ? "" : "6,3",
                        new LinkedHashMap<>());
                for (long n : sizes) {
                    var p = new ProcessBuilder(
                                    "python3",
                                    "bench/python/" + kind + ".py",
                                    Long.toString(n),
                                    Integer.toString(procs))
                            .redirectErrorStream(true)
                            .start();
                    String out = new String(p.getInputStream().readAllBytes()).trim();
                    p.waitFor();
                    double secs = Double.parseDouble(out.split(" ")[0]);
                    s.seconds().put(n, secs);
                    System.out.printf("%-28s n=%.0e  %.4f s%n", s.name(), (double) n, secs);
                    if (secs * 10 > pyCap) {
                        break; // the next size would take ~10x as long
                    }
                }
                series.add(s);
            }
        }
        System.out.println("end: " + E2eBench.loadavg());
        Files.writeString(Path.of("target/sweep.md"), table(series));
        Files.writeString(Path.of("docs/sweep.svg"), svg(series));
        System.out.println(table(series));
        System.out.println("wrote target/sweep.md and docs/sweep.svg");
    }

    static String table(List<Series> series) {
        var sizes = new TreeSet<Long>();
        series.forEach(s -> sizes.addAll(s.seconds().keySet()));
        var b = new StringBuilder("| n |");
        series.forEach(s -> b.append(' ').append(s.name()).append(" (s) |"));
        b.append("\n|---|");
        series.forEach(s -> b.append("---|"));
        b.append('\n');
        for (long n : sizes) {
            b.append(String.format(Locale.ROOT, "| 10^%d |", Math.round(Math.log10(n))));
            for (var s : series) {
                Double v = s.seconds().get(n);
                b.append(v == null ? " – |" : String.format(Locale.ROOT, " %s |", fmt(v)));
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String fmt(double v) {
        return v >= 10
                ? String.format(Locale.ROOT, "%.1f", v)
                : v >= 0.1 ? String.format(Locale.ROOT, "%.3f", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    /** A log-log plot of seconds against n, drawn by hand (no plotting library on the machine). */
    static String svg(List<Series> series) {
        int w = 760, h = 480, left = 70, right = 250, top = 30, bottom = 50;
        double minX = 3, maxX = 10, minY = -4, maxY = 2;
        for (var s : series) {
            for (var e : s.seconds().entrySet()) {
                maxX = Math.max(maxX, Math.ceil(Math.log10(e.getKey())));
                minY = Math.min(minY, Math.floor(Math.log10(e.getValue())));
                maxY = Math.max(maxY, Math.ceil(Math.log10(e.getValue())));
            }
        }
        double fminX = minX, fmaxX = maxX, fminY = minY, fmaxY = maxY;
        int pw = w - left - right, ph = h - top - bottom;
        java.util.function.DoubleUnaryOperator px = x -> left + (x - fminX) / (fmaxX - fminX) * pw;
        java.util.function.DoubleUnaryOperator py = y -> top + (fmaxY - y) / (fmaxY - fminY) * ph;
        var b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                w,
                h));
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"18\" font-size=\"14\">Runtime against n: forkpool "
                        + "(HTTP API, ?wait) vs the tutorial's Python (multiprocessing)</text>%n",
                left));
        for (double x = minX; x <= maxX; x++) {
            double X = px.applyAsDouble(x);
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">10<tspan dy=\"-5\" font-size=\"9\">%d</tspan></text>%n",
                    X,
                    top,
                    X,
                    top + ph,
                    X,
                    top + ph + 18,
                    (int) x));
        }
        for (double y = minY; y <= maxY; y++) {
            double Y = py.applyAsDouble(y);
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">10<tspan dy=\"-5\" font-size=\"9\">%d</tspan></text>%n",
                    left,
                    Y,
                    left + pw,
                    Y,
                    left - 6,
                    Y + 4,
                    (int) y));
        }
        b.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n",
                left,
                top,
                pw,
                ph));
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">n (samples or rolls)</text>%n",
                left + pw / 2,
                h - 10));
        b.append(String.format(
                Locale.ROOT,
                "<text transform=\"translate(16,%d) rotate(-90)\" text-anchor=\"middle\">" + "runtime (s)</text>%n",
                top + ph / 2));
        int ly = top + 10;
        for (var s : series) {
            var pts = new StringBuilder();
            for (var e : s.seconds().entrySet()) {
                pts.append(String.format(
                        Locale.ROOT,
                        "%.1f,%.1f ",
                        px.applyAsDouble(Math.log10(e.getKey())),
                        py.applyAsDouble(Math.log10(e.getValue()))));
            }
            String dash = s.dash().isEmpty() ? "" : " stroke-dasharray=\"" + s.dash() + "\"";
            b.append(String.format(
                    Locale.ROOT,
                    "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                    pts.toString().trim(),
                    s.color(),
                    dash));
            for (String p : pts.toString().trim().split(" ")) {
                String[] xy = p.split(",");
                b.append(String.format(
                        Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"/>", xy[0], xy[1], s.color()));
            }
            b.append('\n');
            int lx = left + pw + 12;
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    lx,
                    ly,
                    lx + 28,
                    ly,
                    s.color(),
                    dash,
                    lx + 34,
                    ly + 4,
                    s.name()));
            ly += 20;
        }
        b.append("</svg>\n");
        return b.toString();
    }
}
