package io.forkpool.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** A result record's schema, as the API writes the record: every shape a kind's result may take. */
class ResultSchemasTest {

    enum Verdict {
        HIT,
        MISS
    }

    record Point(double x, double y) {}

    record Segment(Point from, Point to) {}

    record Tree(String label, List<Tree> children) {}

    record Everything(
            int count,
            long total,
            double mean,
            Long smallest,
            @Nullable String note,
            String name,
            BigDecimal exact,
            boolean done,
            Verdict verdict,
            long[] counts,
            double[][] grid,
            List<Point> points,
            Map<String, Long> byName,
            Optional<Point> best,
            Segment segment,
            Instant at,
            byte[] digest,
            Object anything) {}

    private final Map<String, Schema> components = new LinkedHashMap<>();
    private final ResultSchemas results = new ResultSchemas(components);

    @Test
    void eachComponentHasItsJsonTypeAndAllAreRequired() {
        assertThat(results.add(Everything.class, "EverythingResult").get$ref())
                .isEqualTo("#/components/schemas/EverythingResult");
        Schema<?> schema = components.get("EverythingResult");
        assertThat(schema.getRequired())
                .containsExactlyInAnyOrderElementsOf(
                        schema.getProperties().keySet()); // Jackson writes every component, null or not
        assertThat(schema.getAdditionalProperties()).isEqualTo(false);
        Map<String, Schema> p = schema.getProperties();
        assertThat(p.get("count").getTypes()).containsExactly("integer");
        assertThat(p.get("count").getFormat()).isEqualTo("int32");
        assertThat(p.get("total").getFormat()).isEqualTo("int64");
        assertThat(p.get("mean").getTypes()).containsExactly("number");
        assertThat(p.get("exact").getTypes()).containsExactly("number");
        assertThat(p.get("done").getTypes()).containsExactly("boolean");
        assertThat(p.get("name").getTypes()).containsExactly("string");
        assertThat(p.get("verdict").getEnum()).containsExactly("HIT", "MISS");
        assertThat(p.get("at").getFormat()).isEqualTo("date-time");
        assertThat(p.get("digest").getFormat()).as("base64").isEqualTo("byte");
        assertThat(p.get("anything").getTypes()).as("not described").isNull();
        assertThat(p.get("counts").getTypes()).containsExactly("array");
        assertThat(p.get("counts").getItems().getTypes()).containsExactly("integer");
        assertThat(p.get("grid").getItems().getItems().getTypes()).containsExactly("number");
        assertThat(((Schema<?>) p.get("byName").getAdditionalProperties()).getFormat())
                .isEqualTo("int64");
    }

    @Test
    void boxedNullableAndOptionalComponentsMayBeNullOthersNot() {
        results.add(Everything.class, "EverythingResult");
        Map<String, Schema> p = components.get("EverythingResult").getProperties();
        assertThat(p.get("smallest").getTypes()).isEqualTo(Set.of("integer", "null"));
        assertThat(p.get("note").getTypes()).isEqualTo(Set.of("string", "null"));
        assertThat(p.get("total").getTypes()).isEqualTo(Set.of("integer"));
        assertThat(p.get("name").getTypes()).isEqualTo(Set.of("string"));
        List<Schema> best = p.get("best").getOneOf();
        assertThat(best.get(0).get$ref()).isEqualTo("#/components/schemas/EverythingResultPoint");
        assertThat(best.get(1).getTypes()).containsExactly("null");
    }

    @Test
    void nestedRecordsAreComponentsNamedAfterTheResultOnceEach() {
        results.add(Everything.class, "EverythingResult");
        Map<String, Schema> p = components.get("EverythingResult").getProperties();
        assertThat(p.get("points").getItems().get$ref()).isEqualTo("#/components/schemas/EverythingResultPoint");
        assertThat(p.get("segment").get$ref()).isEqualTo("#/components/schemas/EverythingResultSegment");
        Map<String, Schema> segment = components.get("EverythingResultSegment").getProperties();
        assertThat(segment.get("from").get$ref())
                .as("Point, used three times, is one schema")
                .isEqualTo("#/components/schemas/EverythingResultPoint");
        assertThat(components.keySet())
                .containsExactlyInAnyOrder("EverythingResult", "EverythingResultPoint", "EverythingResultSegment");
        assertThat(components.get("EverythingResultPoint").getProperties()).containsOnlyKeys("x", "y");
    }

    @Test
    void aRecordThatHoldsItselfRefersToItsOwnSchema() {
        results.add(Tree.class, "TreeResult");
        Map<String, Schema> tree = components.get("TreeResult").getProperties();
        assertThat(tree.get("children").getItems().get$ref()).isEqualTo("#/components/schemas/TreeResult");
        assertThat(components).hasSize(1);
    }

    @Test
    void aNameAlreadyTakenIsNotOverwritten() {
        var taken = OpenApiConfiguration.typed("string");
        components.put("PointResult", taken);
        assertThat(results.add(Point.class, "PointResult").get$ref()).isEqualTo("#/components/schemas/PointResult2");
        assertThat(components.get("PointResult")).isSameAs(taken);
    }
}
