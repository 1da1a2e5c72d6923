package io.forkpool.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.plot.SvgPlot;
import io.forkpool.plugin.JobRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The five built-in kinds give bit-identical results to the build before kinds became plugins:
 * 25 requests (odd sizes, one sample, non-default parameters) recorded by that build
 * (src/test/resources/golden/README.md), each bound from its JSON body as the API binds it, run
 * shard by shard through the kinds' codecs, merged and finished here. Doubles are compared
 * exactly.
 */
class GoldenResultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Result fields added after the recording, by kind. */
    private static final java.util.Map<String, List<String>> ADDED = java.util.Map.of(
            "pi",
            List.of("exact"),
            "dice",
            List.of("maxStdError"),
            "projectile",
            List.of("meanRange", "meanRangeStdError"));

    static Stream<JsonNode> recorded() throws IOException {
        try (InputStream in = GoldenResultsTest.class.getResourceAsStream("/golden/results.json")) {
            var rows = new ArrayList<JsonNode>();
            JSON.readTree(in).forEach(rows::add);
            assertThat(rows).hasSize(25);
            return rows.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recorded")
    void sameRequestAndSeedGiveTheRecordedResult(JsonNode row) {
        // The recording filled a missing seed with 12345; every recorded body that draws random numbers has one.
        JobRequest request =
                TestJobs.binder().bind((ObjectNode) row.get("body").deepCopy()).withSeed(12345);
        assertThat(JSON.writeValueAsString(request))
                .as("the request with its defaults")
                .isEqualTo(JSON.writeValueAsString(row.get("request")));
        assertThat(request.shardCount()).isEqualTo(row.get("shards").asInt());
        Object merged = null;
        for (int shard = 0; shard < request.shardCount(); shard++) {
            Object partial = request.decodePartial(request.computeEncoded(shard));
            merged = merged == null ? partial : request.merge(merged, partial);
        }
        ObjectNode result = JSON.valueToTree(request.finish(merged));
        // Fields added since the recording (precision measures, issue 21) are there, and are left
        // out of the comparison: every recorded field stays as it was.
        for (String added : ADDED.getOrDefault(request.type(), List.of())) {
            assertThat(result.has(added)).as("%s has %s", request.type(), added).isTrue();
            result.remove(added);
        }
        // As JSON text (field order, number forms) and every double's exact bits.
        assertThat(JSON.writeValueAsString(result))
                .as("result of %s", row.get("body"))
                .isEqualTo(JSON.writeValueAsString(row.get("result")));
        assertThat(exactDoubles(result)).isEqualTo(exactDoubles(row.get("result")));
    }

    /** The plot of each recorded result, byte for byte (golden/plots/NN-type.svg, NN the row). */
    @Test
    void eachRecordedResultDrawsTheRecordedPlot() throws IOException {
        List<JsonNode> rows = recorded().toList();
        for (int i = 0; i < rows.size(); i++) {
            JobRequest request = TestJobs.binder()
                    .bind((ObjectNode) rows.get(i).get("body").deepCopy())
                    .withSeed(12345);
            String name = String.format(Locale.ROOT, "/golden/plots/%02d-%s.svg", i, request.type());
            try (InputStream in = GoldenResultsTest.class.getResourceAsStream(name)) {
                assertThat(in).as(name).isNotNull();
                assertThat(SvgPlot.render(request, request.finish(TestJobs.reference(request))))
                        .as(name)
                        .isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    /** Every number of the tree as its exact bits (a tree's equality may compare 1.0 and 1 alike). */
    private static List<String> exactDoubles(JsonNode node) {
        var out = new ArrayList<String>();
        collect(node, out);
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isNumber()) {
            out.add(
                    node.isIntegralNumber()
                            ? node.asString()
                            : Long.toHexString(Double.doubleToRawLongBits(node.asDouble())));
        } else if (node.isContainer()) {
            node.forEach(child -> collect(child, out));
        } else {
            out.add(node.asString());
        }
    }
}
