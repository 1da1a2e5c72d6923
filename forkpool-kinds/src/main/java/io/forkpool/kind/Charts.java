package io.forkpool.kind;

import static io.forkpool.kind.api.PlotText.decimalsFor;
import static io.forkpool.kind.api.PlotText.fixed;
import static io.forkpool.kind.api.PlotText.grouped;
import static io.forkpool.kind.api.PlotText.significant;

import io.forkpool.kind.JobResult.Bin;
import io.forkpool.kind.JobResult.DiceResult;
import io.forkpool.kind.JobResult.PiResult;
import io.forkpool.kind.JobResult.ProjectileResult;
import io.forkpool.kind.JobResult.SineResult;
import io.forkpool.kind.JobResult.SmallestMultipleResult;
import io.forkpool.kind.api.Plot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The built-in kinds' charts, described through the kind API as any plugin's are. */
final class Charts {

    private Charts() {}

    /** A histogram of the ranges, labelled at the bins' edges. */
    static Plot projectile(ProjectileResult r) {
        List<Bin> bins = r.bins() == null ? List.of() : r.bins();
        int decimals = decimalsFor(bins.isEmpty() ? 0 : (r.maxRange() - r.minRange()) / bins.size());
        var bars = new ArrayList<Plot.Bar>(bins.size());
        var edges = new ArrayList<Double>(bins.size() + 1);
        for (Bin bin : bins) {
            String range = fixed(bin.from(), decimals) + "\u2013" + fixed(bin.to(), decimals) + " m";
            bars.add(new Plot.Bar(range, bin.count(), range + ": " + grouped(bin.count())));
            edges.add(bin.from());
        }
        if (!bins.isEmpty()) {
            edges.add(bins.getLast().to());
        }
        return new Plot.Bars(
                "projectile: distribution of the range",
                String.format(
                        Locale.ROOT,
                        "%s samples in %d bins, range %s to %s m",
                        grouped(r.samples()),
                        bins.size(),
                        fixed(r.minRange(), decimals),
                        fixed(r.maxRange(), decimals)),
                "range (m)",
                bars,
                null,
                null,
                null,
                edges);
    }

    /** Rolls per face against the count a fair die expects. */
    static Plot dice(DiceResult r) {
        long[] counts = r.counts() == null ? new long[0] : r.counts();
        long rolls = 0;
        for (long c : counts) {
            rolls += c;
        }
        var bars = new ArrayList<Plot.Bar>(counts.length);
        for (int f = 0; f < counts.length; f++) {
            bars.add(new Plot.Bar(Integer.toString(f + 1), counts[f], "face " + (f + 1) + ": " + grouped(counts[f])));
        }
        Double expected = counts.length > 0 ? (double) rolls / counts.length : null;
        return new Plot.Bars(
                "dice: rolls per face",
                String.format(
                        Locale.ROOT,
                        "%s rolls of a %d-sided die, \u03c7\u00b2 = %s (%d df), p = %s",
                        grouped(rolls),
                        counts.length,
                        significant(r.chiSquare(), 4),
                        Math.max(0, counts.length - 1),
                        significant(r.pValue(), 3)),
                "face",
                bars,
                expected,
                expected == null ? null : "expected " + grouped(Math.round(expected)));
    }

    /** The estimate and its 95% interval against π, and whether π lies inside. */
    static Plot pi(PiResult r) {
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
        double sigma = r.stdError() > 0 ? Math.abs(estimate - Math.PI) / r.stdError() : Double.NaN;
        boolean inside = lo <= Math.PI && Math.PI <= hi;
        return new Plot.Interval(
                "pi: estimate with its 95% interval against \u03c0",
                String.format(
                        Locale.ROOT,
                        "%s samples, %s inside the quarter circle",
                        grouped(r.samples()),
                        grouped(r.inside())),
                estimate,
                lo,
                hi,
                Math.PI,
                "\u03c0 = 3.14159265",
                List.of(
                        new Plot.Note("95% interval [" + significant(lo, 9) + ", " + significant(hi, 9) + "]", false),
                        new Plot.Note(
                                "standard error " + significant(r.stdError(), 3) + ";  |estimate \u2212 \u03c0| = "
                                        + significant(Math.abs(estimate - Math.PI), 3)
                                        + (Double.isNaN(sigma) ? "" : " (" + fixed(sigma, 2) + " standard errors)"),
                                false),
                        new Plot.Note(
                                inside ? "\u03c0 lies inside the 95% interval" : "\u03c0 lies outside the 95% interval",
                                !inside)));
    }

    /** The series' sum beside the library's sine. */
    static Plot sine(SineResult r) {
        double relative = r.exact() != 0 ? r.absError() / Math.abs(r.exact()) : Double.NaN;
        return new Plot.Values(
                "sine: Taylor approximation against the exact value",
                String.format(
                        Locale.ROOT,
                        "%d term%s of the series; absolute error %s",
                        r.terms(),
                        r.terms() == 1 ? "" : "s",
                        significant(r.absError(), 3)),
                List.of(
                        new Plot.Value(
                                "Taylor series, " + r.terms() + (r.terms() == 1 ? " term" : " terms"),
                                r.approximation(),
                                false),
                        new Plot.Value("exact (Math.sin)", r.exact(), true)),
                "|approximation \u2212 exact| = " + significant(r.absError(), 3)
                        + (Double.isNaN(relative) ? "" : " (relative " + significant(relative, 3) + ")"));
    }

    /** One number: the smallest multiple drawn, or none. */
    static Plot smallestMultiple(SmallestMultipleResult r) {
        return new Plot.Headline(
                "smallest-multiple",
                "the smallest of the drawn samples that is a multiple of the factor",
                "smallest multiple drawn",
                r.smallest() == null ? "none" : grouped(r.smallest()),
                r.smallest() == null
                        ? "no sample was a multiple of the factor"
                        : grouped(r.multiples()) + (r.multiples() == 1 ? " multiple" : " multiples")
                                + " among the samples");
    }
}
