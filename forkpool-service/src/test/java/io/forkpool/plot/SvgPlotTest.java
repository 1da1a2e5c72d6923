package io.forkpool.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.forkpool.kind.DiceKind;
import io.forkpool.kind.JobResult;
import io.forkpool.kind.JobResult.Bin;
import io.forkpool.kind.JobResult.DiceResult;
import io.forkpool.kind.JobResult.PiResult;
import io.forkpool.kind.JobResult.ProjectileResult;
import io.forkpool.kind.JobResult.SineResult;
import io.forkpool.kind.JobResult.SmallestMultipleResult;
import io.forkpool.kind.PiKind;
import io.forkpool.kind.ProjectileKind;
import io.forkpool.kind.SineKind;
import io.forkpool.kind.SmallestMultipleKind;
import io.forkpool.kind.TestJobs;
import io.forkpool.kind.api.Plot;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The SVG is parsed as XML, the way a browser would, and its shapes are measured. */
class SvgPlotTest {

    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    @Test
    void projectileDrawsOneBarPerBinWithHeightsProportionalToTheCounts() {
        var bins = new ArrayList<Bin>();
        long[] counts = {4917, 14932, 24852, 0, 95438, 93750, 1, 5074};
        double width = 1.7408814785830;
        for (int i = 0; i < counts.length; i++) {
            bins.add(new Bin(865.2308850653702 + i * width, 865.2308850653702 + (i + 1) * width, counts[i]));
        }
        var result = new ProjectileResult(bins, 233_966, 865.2308850653702, 865.2308850653702 + 8 * width, 0, 0);

        Document svg = parse(draw(result));

        assertIsAStandaloneSvg(svg);
        List<Element> bars = barsLeftToRight(svg);
        assertThat(bars).hasSize(counts.length);
        assertProportional(bars, counts);
        assertThat(texts(svg))
                .contains("range (m)", "count", "865.2", "233,966 samples in 8 bins, range 865.2 to " + "879.2 m");
        // every bin's range and count as the bar's tooltip
        assertThat(child(bars.get(0), "title")).isEqualTo("865.2\u2013867.0 m: 4,917");
    }

    @Test
    void diceDrawsOneBarPerFaceLabelledByFaceWithTheExpectedCount() {
        long[] counts = {166984, 166371, 166429, 167064, 166653, 166499};
        var result =
                new DiceResult(counts, new double[] {0.167, 0.166, 0.166, 0.167, 0.167, 0.166}, 2.5846, 0.7637, 0.0004);

        Document svg = parse(draw(result));

        assertIsAStandaloneSvg(svg);
        List<Element> bars = barsLeftToRight(svg);
        assertThat(bars).hasSize(6);
        assertProportional(bars, counts);
        assertThat(byClass(svg, "x-label").stream().map(Element::getTextContent).toList())
                .containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(byClass(svg, "expected")).hasSize(1);
        assertThat(texts(svg))
                .contains("face", "expected 166,667")
                .anyMatch(t -> t.contains("1,000,000 rolls of a 6-sided die") && t.contains("p = 0.764"));
    }

    @Test
    void manyFacesStillGetOneBarEachButFewerLabels() {
        long[] counts = new long[1000];
        for (int f = 0; f < counts.length; f++) {
            counts[f] = 1000 + (f * 7919L) % 97;
        }
        Document svg = parse(draw(new DiceResult(counts, new double[1000], 990, 0.5, 0)));

        List<Element> bars = barsLeftToRight(svg);
        assertThat(bars).hasSize(1000);
        assertProportional(bars, counts);
        assertThat(byClass(svg, "x-label")).hasSizeBetween(2, 25);
        // bars stay inside the plot, side by side
        for (int i = 1; i < bars.size(); i++) {
            assertThat(num(bars.get(i), "x")).isGreaterThan(num(bars.get(i - 1), "x"));
        }
        assertThat(num(bars.get(999), "x") + num(bars.get(999), "width")).isLessThanOrEqualTo(Svg.RIGHT + 0.01);
    }

    @Test
    void allZeroCountsDrawFlatBarsAndNoNumbersThatAreNotNumbers() {
        String text = draw(new DiceResult(new long[] {0, 0, 0}, new double[3], Double.NaN, Double.NaN, Double.NaN));
        Document svg = parse(text);

        assertThat(barsLeftToRight(svg))
                .hasSize(3)
                .allSatisfy(bar -> assertThat(num(bar, "height")).isZero());
        assertThat(text).doesNotContain("=\"NaN\"").doesNotContain("=\"Infinity\"");
    }

    @Test
    void piShowsTheEstimateInsideItsIntervalAndPiAgainstIt() {
        var result = new PiResult(
                3.14202532,
                78_550_633,
                100_000_000,
                1.6418825075135242E-4,
                new double[] {3.141703516941843, 3.1423471230581574},
                Math.PI);

        Document svg = parse(draw(result));

        assertIsAStandaloneSvg(svg);
        Element interval = only(svg, "interval");
        Element estimate = only(svg, "estimate");
        Element pi = only(svg, "reference");
        double lo = num(interval, "x1");
        double hi = num(interval, "x2");
        double at = num(estimate, "cx");
        double piX = num(pi, "x1");
        assertThat(lo).isLessThan(at);
        assertThat(at).isLessThan(hi);
        // π (3.1415927) lies left of the interval, which starts at 3.1417035
        assertThat(piX).isLessThan(lo);
        // the same scale for all three: distances in pixels are proportional to distances in value
        double pixelsPerUnit = (hi - lo) / (3.1423471230581574 - 3.141703516941843);
        assertThat((at - lo) / pixelsPerUnit).isCloseTo(3.14202532 - 3.141703516941843, within(1e-6));
        assertThat((lo - piX) / pixelsPerUnit).isCloseTo(3.141703516941843 - Math.PI, within(1e-6));
        assertThat(byClass(svg, "interval-cap")).hasSize(2);
        assertThat(texts(svg))
                .contains(
                        "estimate 3.14202532",
                        "\u03c0 lies outside the 95% interval",
                        "95% interval [3.14170352, 3.14234712]",
                        "100,000,000 samples, 78,550,633 inside the quarter circle");
        assertThat(num(only(svg, "interval"), "x1")).isBetween(0.0, 640.0);
        assertThat(num(only(svg, "interval"), "x2")).isBetween(0.0, 640.0);
    }

    @Test
    void piInsideItsIntervalSaysSo() {
        var result = new PiResult(3.1416, 785_400, 1_000_000, 0.0016, new double[] {3.1385, 3.1447}, Math.PI);

        Document svg = parse(draw(result));

        double piX = num(only(svg, "reference"), "x1");
        assertThat(piX).isBetween(num(only(svg, "interval"), "x1"), num(only(svg, "interval"), "x2"));
        assertThat(texts(svg)).contains("\u03c0 lies inside the 95% interval");
    }

    @Test
    void sineDrawsTheApproximationAndTheExactValueWithTheError() {
        var result = new SineResult(0.47942708333333334, 0.479425538604203, 1.5447291303316568E-6, 3);

        Document svg = parse(draw(result));

        assertIsAStandaloneSvg(svg);
        List<Element> bars = byClass(svg, "value-bar");
        assertThat(bars).hasSize(2);
        assertThat(num(bars.get(0), "height") / num(bars.get(1), "height"))
                .isCloseTo(0.47942708333333334 / 0.479425538604203, within(1e-4));
        assertThat(texts(svg))
                .contains("Taylor series, 3 terms", "exact (Math.sin)", "0.479427083333", "0.479425538604")
                .anyMatch(t -> t.contains("1.54e-6"));
    }

    @Test
    void negativeSineValuesHangBelowTheZeroLine() {
        Document svg = parse(draw(new SineResult(-0.5, -0.479, 0.021, 1)));

        List<Element> bars = byClass(svg, "value-bar");
        double zero = byClass(svg, "axis").stream()
                .filter(l -> num(l, "y1") == num(l, "y2"))
                .mapToDouble(l -> num(l, "y1"))
                .findFirst()
                .orElseThrow();
        for (Element bar : bars) {
            assertThat(num(bar, "y")).isCloseTo(zero, within(0.01));
            assertThat(num(bar, "height")).isPositive();
        }
    }

    @Test
    void smallestMultipleIsATextCard() {
        Document svg = parse(draw(new SmallestMultipleResult(7L, 142_412)));
        assertIsAStandaloneSvg(svg);
        assertThat(only(svg, "card-value").getTextContent()).isEqualTo("7");
        assertThat(texts(svg)).contains("142,412 multiples among the samples");

        Document none = parse(draw(new SmallestMultipleResult(null, 0)));
        assertThat(only(none, "card-value").getTextContent()).isEqualTo("none");
    }

    @Test
    void textIsEscaped() {
        assertThat(Svg.escape("a<b & \"c\" 'd' > e")).isEqualTo("a&lt;b &amp; &quot;c&quot; &#39;d&#39; &gt; e");
        // characters XML 1.0 cannot carry at all become U+FFFD instead of breaking the document
        assertThat(Svg.escape("x\u0000y\u001bz\ud800")).isEqualTo("x\uFFFDy\uFFFDz\uFFFD");
        assertThat(Svg.escape("\uD83C\uDFB2 dice")).isEqualTo("\uD83C\uDFB2 dice");
    }

    @Test
    void noResultIsRefused() {
        assertThatThrownBy(() -> SvgPlot.render(TestJobs.pi(1000L, 1L), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void barsOfAPluginCanTitleTheAxisAndSayTheirOwnTooltips() {
        var plot = new Plot.Bars(
                "t",
                "s",
                "x",
                List.of(new Plot.Bar("a", 2.5, "a is 2.5 %"), new Plot.Bar("b", 1)),
                null,
                null,
                "percent",
                null);

        Document svg = parse(SvgPlot.render(plot));

        assertThat(only(svg, "y-title").getTextContent()).isEqualTo("percent");
        List<Element> bars = barsLeftToRight(svg);
        assertThat(child(bars.get(0), "title")).isEqualTo("a is 2.5 %");
        assertThat(child(bars.get(1), "title")).isEqualTo("b: 1");
        assertThat(byClass(svg, "x-label")).extracting(Element::getTextContent).containsExactly("a", "b");
    }

    @Test
    void textsAKindLeftOutAreDrawnEmpty() {
        Document svg = parse(SvgPlot.render(new Plot.Headline("t", "s", null, "42", null)));

        assertThat(only(svg, "card-value").getTextContent()).isEqualTo("42");
        assertThat(only(svg, "card-label").getTextContent()).isEmpty();
        assertThat(only(svg, "card-detail").getTextContent()).isEmpty();
    }

    @Test
    void aHistogramNeedsOneEdgeMoreThanItHasBars() {
        assertThatThrownBy(() ->
                        new Plot.Bars("t", "s", "x", List.of(new Plot.Bar("a", 1)), null, null, null, List.of(0.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 bars need 2 edges");
    }

    @Test
    void niceStepsAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen() {
        assertThat(Svg.niceStep(19_000)).isEqualTo(20_000);
        assertThat(Svg.niceStep(0.00013)).isCloseTo(0.0002, within(1e-12));
        assertThat(Svg.niceStep(2.2)).isEqualTo(2.5);
        assertThat(Svg.niceStep(7)).isEqualTo(10);
        assertThat(Svg.niceStep(0)).isEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    /** A built-in result as its kind describes it and the service draws it. */
    private static String draw(JobResult result) {
        Plot plot = switch (result) {
            case PiResult r -> new PiKind().plot(null, r);
            case ProjectileResult r -> new ProjectileKind().plot(null, r);
            case DiceResult r -> new DiceKind().plot(null, r);
            case SineResult r -> new SineKind().plot(null, r);
            case SmallestMultipleResult r -> new SmallestMultipleKind().plot(null, r);
        };
        return SvgPlot.render(plot);
    }

    private static void assertIsAStandaloneSvg(Document svg) {
        Element root = svg.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo(SVG_NS);
        assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 640 400");
        assertThat(root.getAttribute("width")).isEqualTo("640");
        assertThat(root.getAttribute("height")).isEqualTo("400");
        assertThat(child(root, "title")).isNotBlank();
        // everything drawn lies inside the view box
        for (Element e : all(svg)) {
            for (String attribute : List.of("x", "x1", "x2", "cx")) {
                if (e.hasAttribute(attribute)) {
                    assertThat(num(e, attribute))
                            .as("%s %s", e.getLocalName(), attribute)
                            .isBetween(0.0, 640.0);
                }
            }
            for (String attribute : List.of("y", "y1", "y2", "cy")) {
                if (e.hasAttribute(attribute)) {
                    assertThat(num(e, attribute))
                            .as("%s %s", e.getLocalName(), attribute)
                            .isBetween(0.0, 400.0);
                }
            }
        }
    }

    /** Bars stand on one baseline and their heights divided by their counts are one constant. */
    private static void assertProportional(List<Element> bars, long[] counts) {
        long max = java.util.Arrays.stream(counts).max().orElseThrow();
        int tallest = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == max) {
                tallest = i;
            }
        }
        double pixelsPerCount = num(bars.get(tallest), "height") / max;
        assertThat(pixelsPerCount).isPositive();
        double baseline = num(bars.get(0), "y") + num(bars.get(0), "height");
        for (int i = 0; i < counts.length; i++) {
            Element bar = bars.get(i);
            assertThat(num(bar, "height"))
                    .as("height of bar %d (count %d)", i, counts[i])
                    .isCloseTo(counts[i] * pixelsPerCount, within(0.011));
            assertThat(num(bar, "y") + num(bar, "height"))
                    .as("bottom of bar %d", i)
                    .isCloseTo(baseline, within(0.011));
            assertThat(Long.parseLong(bar.getAttribute("data-count"))).isEqualTo(counts[i]);
        }
        // the tallest bar uses most of the plot's height, so differences are visible
        assertThat(num(bars.get(tallest), "height")).isGreaterThan(0.5 * (Svg.BOTTOM - Svg.TOP));
    }

    private static Document parse(String svg) {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage() + "\n" + svg, e);
        }
    }

    private static List<Element> all(Document svg) {
        NodeList nodes = svg.getElementsByTagNameNS(SVG_NS, "*");
        var elements = new ArrayList<Element>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    private static List<Element> byClass(Document svg, String cls) {
        return all(svg).stream()
                .filter(e -> cls.equals(e.getAttribute("class")))
                .toList();
    }

    private static Element only(Document svg, String cls) {
        List<Element> found = byClass(svg, cls);
        assertThat(found).as("elements of class %s", cls).hasSize(1);
        return found.get(0);
    }

    private static List<Element> barsLeftToRight(Document svg) {
        List<Element> bars = byClass(svg, "bar");
        assertThat(bars).allSatisfy(bar -> assertThat(bar.getLocalName()).isEqualTo("rect"));
        return bars.stream()
                .sorted(Comparator.comparingDouble(bar -> num(bar, "x")))
                .toList();
    }

    private static List<String> texts(Document svg) {
        return all(svg).stream()
                .filter(e -> e.getLocalName().equals("text"))
                .map(Element::getTextContent)
                .toList();
    }

    private static String child(Element parent, String name) {
        NodeList children = parent.getElementsByTagNameNS(SVG_NS, name);
        assertThat(children.getLength())
                .as("<%s> in <%s>", name, parent.getLocalName())
                .isPositive();
        return children.item(0).getTextContent();
    }

    private static double num(Element e, String attribute) {
        String value = e.getAttribute(attribute);
        assertThat(value)
                .as("%s of <%s class=%s>", attribute, e.getLocalName(), e.getAttribute("class"))
                .isNotBlank();
        return Double.parseDouble(value);
    }
}
