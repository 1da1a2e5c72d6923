package io.forkpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.web.Api;
import io.forkpool.web.ServiceApi;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

/**
 * {@code forkpool.security.api-keys} set: the API needs one of the keys (header or bearer), a
 * missing or wrong one is a 401 problem that gives nothing away, and probes, the Prometheus scrape
 * and the API's documentation stay open.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "forkpool.security.api-keys=k1,k2",
            "forkpool.workers.count=1",
            "forkpool.workers.warmup=0ms",
        })
@AutoConfigureMetrics
@ExtendWith(ServiceApi.class)
class ApiKeyTest {

    private static final String JOB = "{\"type\":\"pi\",\"samples\":100000,\"seed\":3}";

    final Api api;

    ApiKeyTest(Api api) {
        this.api = api;
    }

    @AfterEach
    void cancelLeftovers() {
        // nothing this class submits runs for long; cancel anyway so no shard outlives the test
        var page = api.send(api.request("/api/v1/jobs?size=100")
                .header("X-API-Key", "k1")
                .GET()
                .build());
        for (JsonNode job : Api.parse(page.body()).path("content")) {
            if (List.of("QUEUED", "RUNNING").contains(job.path("status").asString())) {
                api.send(api.request("/api/v1/jobs/" + job.path("id").asString())
                        .header("X-API-Key", "k1")
                        .DELETE()
                        .build());
            }
        }
    }

    @Test
    void withoutAKeyEveryApiCallIs401Problem() {
        assertUnauthorized(post(b -> {}));
        assertUnauthorized(api.get("/api/v1/jobs"));
        assertUnauthorized(api.get("/api/v1/workers"));
        assertUnauthorized(api.get("/api/v1/jobs/0b7c1a52-0000-4000-8000-000000000000"));
        assertUnauthorized(api.delete("/api/v1/jobs/0b7c1a52-0000-4000-8000-000000000000"));
        // odd spellings of the same paths do not get past either
        assertUnauthorized(api.get("/api/v1/jobs/"));
        assertUnauthorized(api.get("/api/v1/./workers"));
        assertUnauthorized(api.get("/api/v1/work%65rs"));
        assertUnauthorized(api.get("/api/v1/workers;x=1"));
        // and what the docs do not list is closed too
        assertUnauthorized(api.get("/actuator/info"));
        assertUnauthorized(api.get("/api/v2/nothing-here"));
    }

    @Test
    void theDashboardsPageAndFilesNeedNoKeyButWhatItReadsDoes() {
        for (String open : List.of(
                "/",
                "/jobs/0b7c1a52-0000-4000-8000-000000000000",
                "/ui/app.js",
                "/ui/app.css",
                "/webjars/uplot/dist/uPlot.esm.js")) {
            assertThat(api.get(open).statusCode()).as(open).isEqualTo(200);
        }
        assertUnauthorized(api.get("/api/v1/overview"));
        assertUnauthorized(api.get("/api/v1/jobs/0b7c1a52-0000-4000-8000-000000000000/shards"));
        assertUnauthorized(api.get("/jobs/x/y"));
        assertUnauthorized(api.get("/ui2/app.js"));
    }

    @Test
    void aWrongKeyIs401Problem() {
        for (Consumer<HttpRequest.Builder> wrong : List.<Consumer<HttpRequest.Builder>>of(
                b -> b.header("X-API-Key", "k3"),
                b -> b.header("X-API-Key", "k"),
                b -> b.header("X-API-Key", "k1 k2"),
                b -> b.header("X-API-Key", "K1"),
                b -> b.header("X-API-Key", "k1,k2"),
                b -> b.header("X-API-Key", "k1" + "x".repeat(2000)),
                b -> b.header("Authorization", "Bearer k3"),
                b -> b.header("Authorization", "Bearer"),
                b -> b.header("Authorization", "Basic azE6azE="),
                b -> b.header("Authorization", "k1"),
                // the service's own warm-up header stands for a key only with this process's secret
                b -> b.header("X-Forkpool-Warmup", "k1"),
                b -> b.header("X-Forkpool-Warmup", ""),
                b -> b.header("X-Forkpool-Warmup", "0".repeat(32)))) {
            assertUnauthorized(post(wrong));
        }
    }

    @Test
    void eachKeyIsATenantThatSeesOnlyItsOwnJobs() {
        var response = post(b -> b.header("X-API-Key", "k1"));
        String location = response.headers().firstValue("Location").orElseThrow();
        var byOther =
                api.send(api.request(location).header("X-API-Key", "k2").GET().build());
        assertThat(byOther.statusCode()).isEqualTo(404);
        var cancelByOther = api.send(
                api.request(location).header("X-API-Key", "k2").DELETE().build());
        assertThat(cancelByOther.statusCode()).isEqualTo(404);
        var own = api.send(
                api.request(location).header("Authorization", "Bearer k1").GET().build());
        assertThat(Api.parse(own.body()).path("tenant").asString()).isEqualTo("api-key-1");
    }

    @Test
    void eachValidKeyIsAcceptedInTheHeaderOrAsBearer() {
        for (Consumer<HttpRequest.Builder> key : List.<Consumer<HttpRequest.Builder>>of(
                b -> b.header("X-API-Key", "k1"),
                b -> b.header("X-API-Key", "k2"),
                b -> b.header("Authorization", "Bearer k1"),
                b -> b.header("Authorization", "bearer k2"),
                // a wrong header does not spoil a right bearer
                b -> b.header("X-API-Key", "nope").header("Authorization", "Bearer k2"))) {
            var response = post(key);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(response.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).startsWith("/api/v1/jobs/"));
            String location = response.headers().firstValue("Location").orElseThrow();
            var sameKey = api.request(location);
            key.accept(sameKey); // each key is a tenant: its job is its own (ApiKeysAreTenants)
            var get = api.send(sameKey.GET().build());
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(Api.parse(get.body()).path("type").asString()).isEqualTo("pi");
        }
        var workers = api.send(
                api.request("/api/v1/workers").header("X-API-Key", "k2").GET().build());
        assertThat(workers.statusCode()).isEqualTo(200);
        assertThat(Api.parse(workers.body()).size()).isEqualTo(1);
        // with a key, an error is the API's own: a 404 problem, not a 401
        var missing = api.send(api.request("/api/v1/jobs/0b7c1a52-0000-4000-8000-000000000000")
                .header("X-API-Key", "k1")
                .GET()
                .build());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void probesScrapeAndDocsStayOpen() {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            var response = api.get(path);
            assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
            assertThat(Api.parse(response.body()).path("status").asString())
                    .as(path)
                    .isEqualTo("UP");
        }
        var prometheus = api.get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("forkpool_workers{");
        var docs = api.get("/v3/api-docs");
        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode openApi = Api.parse(docs.body());
        assertThat(openApi.path("paths").has("/api/v1/jobs")).isTrue();
        // the document tells clients (and Swagger UI's Authorize button) how to authenticate
        assertThat(openApi.path("components")
                        .path("securitySchemes")
                        .path("apiKey")
                        .path("name")
                        .asString())
                .isEqualTo("X-API-Key");
        assertThat(api.get("/swagger-ui.html").statusCode()).isIn(200, 302);
        assertThat(api.get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> post(Consumer<HttpRequest.Builder> customize) {
        return api.post("/api/v1/jobs", JOB, customize);
    }

    private static void assertUnauthorized(HttpResponse<String> response) {
        String what = response.request().method() + " " + response.request().uri() + " -> " + response.body();
        assertThat(response.statusCode()).as(what).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type"))
                .as(what)
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.headers().allValues("WWW-Authenticate"))
                .as(what)
                .anySatisfy(v -> assertThat(v).startsWith("Bearer"))
                .anySatisfy(v -> assertThat(v).contains("X-API-Key"));
        JsonNode problem = Api.parse(response.body());
        assertThat(problem.path("status").intValue()).as(what).isEqualTo(401);
        assertThat(problem.path("title").asString()).as(what).isEqualTo("Unauthorized");
        assertThat(problem.path("detail").asString()).as(what).contains("X-API-Key");
        assertNothingInternal(response.body());
        assertThat(response.body()).as("no key echoed").doesNotContain("k1", "k2");
    }

    static void assertNothingInternal(String body) {
        assertThat(body)
                .as("nothing internal in " + body)
                .doesNotContain(
                        "Exception",
                        "io.forkpool",
                        "org.springframework",
                        "java.",
                        "jakarta.",
                        "tools.jackson",
                        "\tat ",
                        "trace",
                        "Filter");
    }
}
