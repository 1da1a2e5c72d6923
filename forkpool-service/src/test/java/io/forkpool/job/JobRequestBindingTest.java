package io.forkpool.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.forkpool.catalog.LimitSettings;
import io.forkpool.catalog.RequestBinder;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.KindRegistry;
import io.forkpool.tenant.SecuritySettings;
import io.forkpool.tenant.Tenants;
import io.forkpool.warmup.WarmupKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Bad job bodies, the web layer alone: each is a 400 {@code application/problem+json} naming the
 * bad field with a message, nothing internal in it, and no job reaches the store. The controller,
 * the admission and the request binder are the real ones with the five built-in kinds; the store is
 * a mock. (BadInputTest sends a few of these, and what only real HTTP can, to the whole service.)
 */
@WebMvcTest(JobController.class)
@Import({Tenants.class, WarmupKey.class}) // ApiKeyFilter's
@EnableConfigurationProperties({SecuritySettings.class, LimitSettings.class})
class JobRequestBindingTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    ObjectMapper json;

    @MockitoBean
    JobStore store;

    @MockitoBean
    JobEvents events;

    @TestConfiguration
    static class Binding {
        @Bean
        KindRegistry kindRegistry() {
            return KindRegistry.builtIn();
        }

        @Bean
        RequestBinder requestBinder(KindRegistry kinds, ObjectMapper json, Validator validator, LimitSettings limits) {
            return new RequestBinder(kinds, json, validator, limits.maxSamples());
        }

        @Bean
        JobAdmission jobAdmission(
                RequestBinder binder,
                JobStore store,
                ObjectMapper json,
                org.springframework.beans.factory.ObjectProvider<AdmissionListener> admissions) {
            return new JobAdmission(
                    new QueueSettings(1000),
                    binder,
                    store,
                    new ForkpoolMetrics(new SimpleMeterRegistry()),
                    json,
                    admissions,
                    (notify, errors) -> null);
        }
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                row("malformed JSON", "{\"type\":\"pi\",\"samples\":", "body"),
                row("not JSON at all", "samples=5", "body"),
                row("empty body", "", "body"),
                row("JSON array", "[{\"type\":\"pi\",\"samples\":10}]", "body"),
                row("JSON null", "null", "body"),
                row("missing type", "{\"samples\":1000}", "type"),
                row("unknown type", "{\"type\":\"mandelbrot\",\"samples\":1000}", "type"),
                row("type in upper case", "{\"type\":\"PI\",\"samples\":1000}", "type"),
                row("type a number", "{\"type\":7,\"samples\":1000}", "type"),
                row("string for samples", "{\"type\":\"pi\",\"samples\":\"many\"}", "samples"),
                row("float for samples", "{\"type\":\"pi\",\"samples\":1.5}", "samples"),
                row("object for x", "{\"type\":\"sine\",\"x\":{\"v\":1},\"terms\":3}", "x"),
                row("array for rolls", "{\"type\":\"dice\",\"rolls\":[6]}", "rolls"),
                row("boolean for terms", "{\"type\":\"sine\",\"x\":1,\"terms\":true}", "terms"),
                row("boolean for samples", "{\"type\":\"pi\",\"samples\":false}", "samples"),
                row("string for seed", "{\"type\":\"pi\",\"samples\":10,\"seed\":\"abc\"}", "seed"),
                row("\"NaN\" for x", "{\"type\":\"sine\",\"x\":\"NaN\",\"terms\":3}", "x"),
                row("\"Infinity\" for x", "{\"type\":\"sine\",\"x\":\"Infinity\",\"terms\":3}", "x"),
                row(
                        "\"Infinity\" for gravity",
                        "{\"type\":\"projectile\",\"samples\":10,\"gravity\":\"Infinity\"}",
                        "gravity"),
                row(
                        "\"-Infinity\" for speedMin",
                        "{\"type\":\"projectile\",\"samples\":10,\"speedMin\":\"-Infinity\"}",
                        "speedMin"),
                row(
                        "\"NaN\" for angleMinDeg",
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMinDeg\":\"NaN\"}",
                        "angleMinDeg"),
                row("pi without samples", "{\"type\":\"pi\"}", "samples"),
                row("samples null", "{\"type\":\"pi\",\"samples\":null}", "samples"),
                row("dice without rolls", "{\"type\":\"dice\",\"faces\":6}", "rolls"),
                row("sine without terms", "{\"type\":\"sine\",\"x\":1}", "terms"),
                row("sine without x", "{\"type\":\"sine\",\"terms\":3}", "x"),
                row("smallest-multiple without factor", "{\"type\":\"smallest-multiple\",\"samples\":10}", "factor"),
                row("negative samples", "{\"type\":\"pi\",\"samples\":-5}", "samples"),
                row("zero samples", "{\"type\":\"pi\",\"samples\":0}", "samples"),
                row("samples over 10^13", "{\"type\":\"pi\",\"samples\":10000000000001}", "samples"),
                row("projectile samples over 10^13", "{\"type\":\"projectile\",\"samples\":10000000000001}", "samples"),
                row("zero rolls", "{\"type\":\"dice\",\"rolls\":0}", "rolls"),
                row("rolls over 10^13", "{\"type\":\"dice\",\"rolls\":10000000000001}", "rolls"),
                row(
                        "smallest-multiple samples 0",
                        "{\"type\":\"smallest-multiple\",\"samples\":0,\"factor\":3}",
                        "samples"),
                row("bins 0", "{\"type\":\"projectile\",\"samples\":10,\"bins\":0}", "bins"),
                row("bins 1001", "{\"type\":\"projectile\",\"samples\":10,\"bins\":1001}", "bins"),
                row(
                        "angleMinDeg below 0",
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMinDeg\":-1}",
                        "angleMinDeg"),
                row(
                        "angleMaxDeg above 90",
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMaxDeg\":90.5}",
                        "angleMaxDeg"),
                row(
                        "angle min > max",
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMinDeg\":45,\"angleMaxDeg\":40}",
                        "angleMaxDeg"),
                row(
                        "angle min > default max",
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMinDeg\":60}",
                        "angleMinDeg"),
                row("speedMin 0", "{\"type\":\"projectile\",\"samples\":10,\"speedMin\":0}", "speedMin"),
                row(
                        "speedMax negative",
                        "{\"type\":\"projectile\",\"samples\":10,\"speedMin\":1,\"speedMax\":-3}",
                        "speedMax"),
                row(
                        "speed min > max",
                        "{\"type\":\"projectile\",\"samples\":10,\"speedMin\":50,\"speedMax\":40}",
                        "speedMax"),
                row("gravity 0", "{\"type\":\"projectile\",\"samples\":10,\"gravity\":0}", "gravity"),
                row("gravity negative", "{\"type\":\"projectile\",\"samples\":10,\"gravity\":-9.81}", "gravity"),
                row(
                        "gravity so small the range overflows",
                        "{\"type\":\"projectile\",\"samples\":10,\"gravity\":1e-320}",
                        "gravity"),
                row("faces 1", "{\"type\":\"dice\",\"rolls\":10,\"faces\":1}", "faces"),
                row("faces 0", "{\"type\":\"dice\",\"rolls\":10,\"faces\":0}", "faces"),
                row("terms 0", "{\"type\":\"sine\",\"x\":1,\"terms\":0}", "terms"),
                row("terms 10001", "{\"type\":\"sine\",\"x\":1,\"terms\":10001}", "terms"),
                row("x above 1000", "{\"type\":\"sine\",\"x\":1000.5,\"terms\":3}", "x"),
                row("x below -1000", "{\"type\":\"sine\",\"x\":-1001,\"terms\":3}", "x"),
                row("factor 0", "{\"type\":\"smallest-multiple\",\"samples\":10,\"factor\":0}", "factor"),
                row(
                        "low == high",
                        "{\"type\":\"smallest-multiple\",\"samples\":10,\"factor\":3,\"low\":10,\"high\":10}",
                        "high"),
                row(
                        "low > high",
                        "{\"type\":\"smallest-multiple\",\"samples\":10,\"factor\":3,\"low\":50,\"high\":20}",
                        "high"),
                row(
                        "low >= default high",
                        "{\"type\":\"smallest-multiple\",\"samples\":10,\"factor\":3,\"low\":1000}",
                        "low"),
                row("unknown field", "{\"type\":\"pi\",\"samples\":10,\"sampels\":10}", "sampels"),
                row("field of another kind", "{\"type\":\"pi\",\"samples\":10,\"faces\":6}", "faces"),
                row("samples beyond a long", "{\"type\":\"pi\",\"samples\":100000000000000000000000}", "samples"),
                row("JSON string", "\"pi\"", "body"));
    }

    private static Arguments row(String name, String body, String field) {
        return Arguments.argumentSet(name, body, field);
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void aBadBodyIsAProblemNamingTheField(String body, String field) throws Exception {
        var response = mvc.perform(post("/api/v1/jobs")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andReturn()
                .getResponse();
        String answer = response.getStatus() + " " + response.getContentAsString();
        assertThat(response.getStatus()).as(answer).isEqualTo(400);
        assertThat(response.getContentType()).as(answer).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = json.readTree(response.getContentAsString());
        assertThat(problem.path("status").intValue()).as(answer).isEqualTo(400);
        assertThat(problem.path("title").asString("")).as(answer).isNotBlank();
        // nothing internal leaks: no Java class names or stack frames
        assertThat(response.getContentAsString())
                .as(answer)
                .doesNotContain("Exception")
                .doesNotContain("at io.forkpool")
                .doesNotContain("tools.jackson")
                .doesNotContain("java.lang");
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.path("field").asString("")));
        assertThat(fields).as(answer).contains(field);
        problem.path("errors")
                .forEach(e ->
                        assertThat(e.path("message").asString("")).as(answer).isNotBlank());
        verify(store, never()).submit(any(), any(), any(), anyInt(), any());
    }

    static Stream<Arguments> bodiesWithSeveralBadFields() {
        return Stream.of(
                Arguments.argumentSet(
                        "an unknown field and one out of bounds",
                        "{\"type\":\"pi\",\"samples\":0,\"sampels\":10}",
                        List.of("sampels", "samples")),
                Arguments.argumentSet(
                        "an unknown field and one of the wrong JSON type",
                        "{\"type\":\"dice\",\"rolls\":\"many\",\"side\":6}",
                        List.of("side", "rolls")),
                Arguments.argumentSet(
                        "two of the wrong JSON type, one out of bounds, one unknown",
                        "{\"type\":\"projectile\",\"samples\":true,\"bins\":[3],\"gravity\":0,\"wind\":2}",
                        List.of("wind", "samples", "bins", "gravity")),
                Arguments.argumentSet(
                        "an unknown field and a required one missing",
                        "{\"type\":\"sine\",\"x\":1,\"term\":3}",
                        List.of("term", "terms")),
                Arguments.argumentSet(
                        "a bad seed, a bad timeout and a bad field",
                        "{\"type\":\"pi\",\"samples\":-1,\"seed\":\"abc\",\"timeoutSeconds\":0}",
                        List.of("timeoutSeconds", "seed", "samples")));
    }

    /** The README's promise: a 400 lists every bad field, not the first kind of problem found. */
    @ParameterizedTest
    @MethodSource("bodiesWithSeveralBadFields")
    void everyBadFieldIsNamedInOneAnswer(String body, List<String> expected) throws Exception {
        var response = mvc.perform(post("/api/v1/jobs")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andReturn()
                .getResponse();
        String answer = response.getStatus() + " " + response.getContentAsString();
        assertThat(response.getStatus()).as(answer).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        json.readTree(response.getContentAsString())
                .path("errors")
                .forEach(e -> fields.add(e.path("field").asString("")));
        assertThat(fields).as(answer).containsExactlyInAnyOrderElementsOf(expected);
        verify(store, never()).submit(any(), any(), any(), anyInt(), any());
    }
}
