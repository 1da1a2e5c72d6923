package io.forkpool.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
    private static final String HUGE =
            "{\"type\":\"pi\",\"samples\":1000,\"padding\":\"" + "x".repeat(100 * 1024) + "\"}";

    /** Marks a row whose body goes out chunked, without Content-Length. */
    private static final String CHUNKED = "chunked:";

    final Api api;

    BadInputTest(Api api) {
        this.api = api;
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                // -- the body: a few rows end to end; every body row is in JobRequestBindingTest (web layer)
                row("malformed JSON", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":", 400, "body"),
                row("unknown type", "POST", JOBS, JSON, "{\"type\":\"mandelbrot\",\"samples\":1000}", 400, "type"),
                row("negative samples", "POST", JOBS, JSON, "{\"type\":\"pi\",\"samples\":-5}", 400, "samples"),
                row(
                        "angle min > max",
                        "POST",
                        JOBS,
                        JSON,
                        "{\"type\":\"projectile\",\"samples\":10,\"angleMinDeg\":45,\"angleMaxDeg\":40}",
                        400,
                        "angleMaxDeg"),
                row(
                        "unknown field",
                        "POST",
                        JOBS,
                        JSON,
                        "{\"type\":\"pi\",\"samples\":10,\"sampels\":10}",
                        400,
                        "sampels"),
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
                row("form encoded", "POST", JOBS, "application/x-www-form-urlencoded", "type=pi&samples=10", 415, null),
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

    private static Arguments row(
            String name, String method, String path, String contentType, String body, int status, String field) {
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
    void badRequestIsAProblemNamingTheField(
            String method, String path, String contentType, String body, int status, String field) {
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
        HttpResponse<String> response =
                api.send(builder.method(method, publisher).build());

        String answer = method + " " + path + " -> " + response.statusCode() + " "
                + response.headers().map() + " " + response.body();
        assertThat(response.statusCode()).as(answer).isBetween(400, 499).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                .as(answer)
                .startsWith("application/problem+json");
        JsonNode problem = Api.parse(response.body());
        assertThat(problem.path("status").intValue()).as(answer).isEqualTo(status);
        assertThat(problem.path("title").asString("")).as(answer).isNotBlank();
        // nothing internal leaks: no Java class names or stack frames
        assertThat(response.body())
                .as(answer)
                .doesNotContain("Exception")
                .doesNotContain("at io.forkpool")
                .doesNotContain("tools.jackson")
                .doesNotContain("java.lang");
        if (field != null) {
            List<String> fields = new ArrayList<>();
            problem.path("errors").forEach(e -> fields.add(e.path("field").asString("")));
            assertThat(fields).as(answer).contains(field);
            problem.path("errors")
                    .forEach(e -> assertThat(e.path("message").asString(""))
                            .as(answer)
                            .isNotBlank());
        }
    }

    @Order(2)
    @Test
    void theServiceStillRunsAValidJob() {
        assertThat(jobsBefore)
                .as("jobs counted before the table (run the whole class)")
                .isPositive();
        assertThat(jobCount())
                .as("jobs listed after the table of bad requests: none admitted")
                .isEqualTo(jobsBefore);
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
