package io.forkpool.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Bad requests through real HTTP: each is a 4xx {@code application/problem+json} naming the bad
 * field where there is one, never a 5xx; and the service still works afterwards.
 */
@ForkpoolServiceTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {

    private static final String JSON = "application/json";
    private static final String JOBS = "/api/v1/jobs";
    private static final String UNKNOWN_ID = "0b7c1a52-0000-4000-8000-000000000000";

    /** A syntactically fine job padded past the 64 KB body limit. */
    private static final String HUGE = "{\"type\":\"pi\",\"samples\":1000,\"padding\":\"" + "x".repeat(100 * 1024)
            + "\"}";

    /** Marks a row whose body goes out chunked, without Content-Length. */
    private static final String CHUNKED = "chunked:";

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                // -- the body as a whole
                row("malformed JSON", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":", 400, "body"),
                row("not JSON at all", "POST", JOBS, JSON, "samples=5", 400, "body"),
                row("empty body", "POST", JOBS, JSON, "", 400, "body"),
                row("JSON array", "POST", JOBS, JSON, "[{\"type\":\"pi\",\"samples\":10}]", 400, "body"),
                row("JSON null", "POST", JOBS, JSON, "null", 400, "body"),
                // -- the type
                row("missing type", "POST", JOBS, JSON, "{\"samples\":1000}", 400, "type"),
                row("unknown type", "POST", JOBS, JSON, "{\"type\":\"mandelbrot\",\"samples\":1000}", 400, "type"),
                row("type in upper case", "POST", JOBS, JSON, "{\"type\":\"PI\",\"samples\":1000}", 400, "type"),
                row("type a number", "POST", JOBS, JSON, "{\"type\":7,\"samples\":1000}", 400, "type"),
                // -- wrong JSON types
                row("string for samples", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":\"many\"}", 400, "samples"),
                row("float for samples", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":1.5}", 400, "samples"),
                row("object for x", "POST", JOBS, JSON, "{\"type\":\"sine\",\"x\":{\"v\":1},\"terms\":3}", 400, "x"),
                row("array for rolls", "POST", JOBS, JSON, "{\"type\":\"dice\",\"rolls\":[6]}", 400, "rolls"),
                row("boolean for terms", "POST", JOBS, JSON, "{\"type\":\"sine\",\"x\":1,\"terms\":true}", 400, "terms"),
                row("boolean for samples", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":false}", 400, "samples"),
                row("string for seed", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":10,\"seed\":\"abc\"}", 400,
                        "seed"),
                row("\"NaN\" for x", "POST", JOBS, JSON, "{\"type\":\"sine\",\"x\":\"NaN\",\"terms\":3}", 400, "x"),
                row("\"Infinity\" for x", "POST", JOBS, JSON, "{\"type\":\"sine\",\"x\":\"Infinity\",\"terms\":3}",
                        400, "x"),
                row("\"Infinity\" for gravity", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"gravity\":\"Infinity\"}", 400, "gravity"),
                row("\"-Infinity\" for speedMin", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"speedMin\":\"-Infinity\"}", 400, "speedMin"),
                row("\"NaN\" for angleMinDeg", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMinDeg\":\"NaN\"}", 400, "angleMinDeg"),
                // -- required fields
                row("pi without samples", "POST", JOBS, JSON, "{\"type\":\"pi\"}", 400, "samples"),
                row("samples null", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":null}", 400, "samples"),
                row("dice without rolls", "POST", JOBS, JSON, "{\"type\":\"dice\",\"faces\":6}", 400, "rolls"),
                row("sine without terms", "POST", JOBS, JSON, "{\"type\":\"sine\",\"x\":1}", 400, "terms"),
                row("sine without x", "POST", JOBS, JSON, "{\"type\":\"sine\",\"terms\":3}", 400, "x"),
                row("smallest-multiple without factor", "POST", JOBS, JSON,
                        "{\"type\":\"smallest-multiple\",\"samples\":10}", 400, "factor"),
                // -- sizes
                row("negative samples", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":-5}", 400, "samples"),
                row("zero samples", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":0}", 400, "samples"),
                row("samples over 10^13", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":10000000000001}", 400,
                        "samples"),
                row("projectile samples over 10^13", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10000000000001}", 400, "samples"),
                row("zero rolls", "POST", JOBS, JSON, "{\"type\":\"dice\",\"rolls\":0}", 400, "rolls"),
                row("rolls over 10^13", "POST", JOBS, JSON, "{\"type\":\"dice\",\"rolls\":10000000000001}", 400,
                        "rolls"),
                row("smallest-multiple samples 0", "POST", JOBS, JSON,
                        "{\"type\":\"smallest-multiple\",\"samples\":0,\"factor\":3}", 400, "samples"),
                // -- projectile
                row("bins 0", "POST", JOBS, JSON, "{\"type\":\"projectile\",\"samples\":10,\"bins\":0}", 400, "bins"),
                row("bins 1001", "POST", JOBS, JSON, "{\"type\":\"projectile\",\"samples\":10,\"bins\":1001}", 400,
                        "bins"),
                row("angleMinDeg below 0", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMinDeg\":-1}", 400, "angleMinDeg"),
                row("angleMaxDeg above 90", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMaxDeg\":90.5}", 400, "angleMaxDeg"),
                row("angle min > max", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMinDeg\":45,\"angleMaxDeg\":40}", 400,
                        "angleMaxDeg"),
                row("angle min > default max", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMinDeg\":60}", 400, "angleMinDeg"),
                row("speedMin 0", "POST", JOBS, JSON, "{\"type\":\"projectile\",\"samples\":10,\"speedMin\":0}", 400,
                        "speedMin"),
                row("speedMax negative", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"speedMin\":1,\"speedMax\":-3}", 400, "speedMax"),
                row("speed min > max", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"speedMin\":50,\"speedMax\":40}", 400, "speedMax"),
                row("gravity 0", "POST", JOBS, JSON, "{\"type\":\"projectile\",\"samples\":10,\"gravity\":0}", 400,
                        "gravity"),
                row("gravity negative", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"gravity\":-9.81}", 400, "gravity"),
                row("gravity so small the range overflows", "POST", JOBS, JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"gravity\":1e-320}", 400, "gravity"),
                // -- dice
                row("faces 1", "POST", JOBS, JSON, "{\"type\":\"dice\",\"rolls\":10,\"faces\":1}", 400, "faces"),
                row("faces 0", "POST", JOBS, JSON, "{\"type\":\"dice\",\"rolls\":10,\"faces\":0}", 400, "faces"),
                // -- sine
                row("terms 0", "POST", JOBS, JSON, "{\"type\":\"sine\",\"x\":1,\"terms\":0}", 400, "terms"),
                row("terms 10001", "POST", JOBS, JSON, "{\"type\":\"sine\",\"x\":1,\"terms\":10001}", 400, "terms"),
                row("x above 1000", "POST", JOBS, JSON, "{\"type\":\"sine\",\"x\":1000.5,\"terms\":3}", 400, "x"),
                row("x below -1000", "POST", JOBS, JSON, "{\"type\":\"sine\",\"x\":-1001,\"terms\":3}", 400, "x"),
                // -- smallest-multiple
                row("factor 0", "POST", JOBS, JSON, "{\"type\":\"smallest-multiple\",\"samples\":10,\"factor\":0}",
                        400, "factor"),
                row("low == high", "POST", JOBS, JSON,
                        "{\"type\":\"smallest-multiple\",\"samples\":10,\"factor\":3,\"low\":10,\"high\":10}", 400,
                        "high"),
                row("low > high", "POST", JOBS, JSON,
                        "{\"type\":\"smallest-multiple\",\"samples\":10,\"factor\":3,\"low\":50,\"high\":20}", 400,
                        "high"),
                row("low >= default high", "POST", JOBS, JSON,
                        "{\"type\":\"smallest-multiple\",\"samples\":10,\"factor\":3,\"low\":1000}", 400, "low"),
                // -- unknown fields
                row("unknown field", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":10,\"sampels\":10}", 400,
                        "sampels"),
                row("field of another kind", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":10,\"faces\":6}", 400,
                        "faces"),
                // -- query parameters
                row("wait=61", "POST", JOBS + "?wait=61", JSON, "{\"type\":\"pi\",\"samples\":10}", 400, "wait"),
                row("wait=-1", "POST", JOBS + "?wait=-1", JSON, "{\"type\":\"pi\",\"samples\":10}", 400, "wait"),
                row("wait=abc", "POST", JOBS + "?wait=abc", JSON, "{\"type\":\"pi\",\"samples\":10}", 400, "wait"),
                row("page=-1", "GET", JOBS + "?page=-1", null, null, 400, "page"),
                row("page=x", "GET", JOBS + "?page=x", null, null, 400, "page"),
                row("size=0", "GET", JOBS + "?size=0", null, null, 400, "size"),
                row("size=101", "GET", JOBS + "?size=101", null, null, 400, "size"),
                row("status=bogus", "GET", JOBS + "?status=bogus", null, null, 400, "status"),
                row("type=bogus", "GET", JOBS + "?type=bogus", null, null, 400, "type"),
                // -- media type and size
                row("text/plain", "POST", JOBS, "text/plain", "{\"type\":\"pi\",\"samples\":10}", 415, null),
                row("form encoded", "POST", JOBS, "application/x-www-form-urlencoded", "type=pi&samples=10", 415,
                        null),
                row("no content type", "POST", JOBS, null, "{\"type\":\"pi\",\"samples\":10}", 415, null),
                row("100 KB body", "POST", JOBS, JSON, HUGE, 413, null),
                row("100 KB chunked body", "POST", JOBS, JSON, CHUNKED + HUGE, 413, null),
                // -- unknown things
                row("GET unknown job", "GET", JOBS + "/" + UNKNOWN_ID, null, null, 404, null),
                row("GET job id that is no uuid", "GET", JOBS + "/nope", null, null, 404, null),
                row("DELETE unknown job", "DELETE", JOBS + "/" + UNKNOWN_ID, null, null, 404, null),
                row("events of unknown job", "GET", JOBS + "/" + UNKNOWN_ID + "/events", null, null, 404, null),
                row("unknown path", "GET", "/api/v1/nothing-here", null, null, 404, null),
                row("PUT on jobs", "PUT", JOBS, JSON, "{\"type\":\"pi\",\"samples\":10}", 405, null));
    }

    /** Rows that once named the wrong field (a parser error's path; a JSON string read as a type id). */
    static Stream<Arguments> knownProblems() {
        return Stream.of(
                row("samples beyond a long", "POST", JOBS, JSON,
                        "{\"type\":\"pi\",\"samples\":100000000000000000000000}", 400, "samples"),
                row("JSON string", "POST", JOBS, JSON, "\"pi\"", 400, "body"));
    }

    private static Arguments row(String name, String method, String path, String contentType, String body,
            int status, String field) {
        return Arguments.argumentSet(name, method, path, contentType, body, status, field);
    }

    /** Jobs the service knew before the table; no bad request may add one. */
    private static long jobsBefore = -1;

    @Order(0)
    @Test
    void countJobsBeforeTheTable() {
        long before = jobCount();
        api.runToSuccess("{\"type\":\"pi\",\"samples\":1000,\"seed\":1}");
        jobsBefore = jobCount();
        // the instrument the last test relies on: it counts an admitted job
        assertThat(jobsBefore).as("jobs listed after one more was admitted").isEqualTo(before + 1);
    }

    @Order(1)
    @ParameterizedTest
    @MethodSource("badRequests")
    void badRequestIsAProblemNamingTheField(String method, String path, String contentType, String body,
            int status, String field) {
        check(method, path, contentType, body, status, field);
    }

    @Order(1)
    @ParameterizedTest
    @MethodSource("knownProblems")
    void knownProblemIsAProblemNamingTheField(String method, String path, String contentType, String body,
            int status, String field) {
        check(method, path, contentType, body, status, field);
    }

    private void check(String method, String path, String contentType, String body, int status, String field) {
        var builder = api.request(path);
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        HttpRequest.BodyPublisher publisher;
        if (body == null) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else if (body.startsWith(CHUNKED)) {
            byte[] bytes = body.substring(CHUNKED.length()).getBytes(StandardCharsets.UTF_8);
            // of unknown length: HTTP/1.1 sends it chunked, with no Content-Length
            publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
        } else {
            publisher = HttpRequest.BodyPublishers.ofString(body);
        }
        HttpResponse<String> response = api.send(builder.method(method, publisher).build());

        String answer = method + " " + path + " -> " + response.statusCode() + " " + response.headers().map() + " "
                + response.body();
        assertThat(response.statusCode()).as(answer).isBetween(400, 499).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).as(answer)
                .startsWith("application/problem+json");
        JsonNode problem = Api.parse(response.body());
        assertThat(problem.path("status").intValue()).as(answer).isEqualTo(status);
        assertThat(problem.path("title").asString("")).as(answer).isNotBlank();
        // nothing internal leaks: no Java class names or stack frames
        assertThat(response.body()).as(answer).doesNotContain("Exception").doesNotContain("at io.forkpool")
                .doesNotContain("tools.jackson").doesNotContain("java.lang");
        if (field != null) {
            List<String> fields = new ArrayList<>();
            problem.path("errors").forEach(e -> fields.add(e.path("field").asString("")));
            assertThat(fields).as(answer).contains(field);
            problem.path("errors").forEach(e -> assertThat(e.path("message").asString("")).as(answer).isNotBlank());
        }
    }

    @Order(2)
    @Test
    void theServiceStillRunsAValidJob() {
        assertThat(jobsBefore).as("jobs counted before the table (run the whole class)").isPositive();
        assertThat(jobCount()).as("jobs listed after the table of bad requests: none admitted").isEqualTo(jobsBefore);
        JsonNode job = api.runToSuccess("{\"type\":\"pi\",\"samples\":1000000,\"seed\":1}");
        assertThat(job.path("result").path("samples").longValue()).isEqualTo(1_000_000L);
        assertThat(job.path("result").path("estimate").doubleValue()).isBetween(3.13, 3.15);
        JsonNode workers = Api.parse(api.get("/api/v1/workers").body());
        assertThat(workers.size()).isEqualTo(2);
        workers.forEach(w -> assertThat(w.path("state").asString()).isIn("idle", "busy"));
    }

    private long jobCount() {
        var response = api.get(JOBS + "?size=1");
        assertThat(response.statusCode()).isEqualTo(200);
        return Api.parse(response.body()).path("totalElements").longValue();
    }
}
