package io.forkpool.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small real-HTTP client of the service for tests: java.net.http over HTTP/1.1 (so a body of
 * unknown length goes out chunked), answers parsed with Jackson 3. Remembers every job id it
 * has seen, so a test can check that none leaks into the metrics.
 */
public final class Api {

    public static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Job ids seen in any answer, across test classes sharing the service. */
    public static final Set<String> JOB_IDS = ConcurrentHashMap.newKeySet();

    private final String base;
    private final HttpClient client;

    public Api(String base) {
        this.base = base;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public Api(int port) {
        this("http://localhost:" + port);
    }

    public HttpClient client() {
        return client;
    }

    public URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    public HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60));
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            var response = client.send(request, HttpResponse.BodyHandlers.ofString());
            remember(response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    public HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    public HttpResponse<String> post(String path, String json) {
        return post(path, json, b -> {});
    }

    public HttpResponse<String> post(String path, String json, Consumer<HttpRequest.Builder> customize) {
        var builder = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        customize.accept(builder);
        return send(builder.build());
    }

    /** POSTs a job with {@code ?wait=30} and checks it answered 200 SUCCEEDED; returns the job. */
    public JsonNode runToSuccess(String json) {
        var response = post("/api/v1/jobs?wait=30", json);
        assertThat(response.statusCode())
                .as("POST %s -> %s", json, response.body())
                .isEqualTo(200);
        JsonNode job = parse(response.body());
        assertThat(job.path("status").asString()).as(response.body()).isEqualTo("SUCCEEDED");
        return job;
    }

    /** Waits (bounded, 60 s) until readiness says UP: the pool has started. */
    public void awaitReady() {
        await("readiness UP")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    var readiness = get("/actuator/health/readiness");
                    assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
                    assertThat(readiness.body()).contains("\"UP\"");
                });
    }

    /** Waits (bounded) until the service has {@code workers} workers, all idle: no shard is in flight. */
    public void awaitWorkersIdle(int workers, Duration within) {
        await(workers + " workers idle")
                .atMost(within)
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    JsonNode pool = parse(get("/api/v1/workers").body());
                    assertThat(pool)
                            .as("%s", pool)
                            .hasSize(workers)
                            .allSatisfy(
                                    w -> assertThat(w.path("state").asString()).isEqualTo("idle"));
                });
    }

    public static JsonNode parse(String body) {
        return JSON.readTree(body);
    }

    private static void remember(HttpResponse<String> response) {
        var type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/json")
                || response.body() == null
                || response.body().isEmpty()) {
            return;
        }
        try {
            collectIds(JSON.readTree(response.body()));
        } catch (RuntimeException e) {
            // not a job
        }
    }

    private static void collectIds(JsonNode node) {
        if (node.isArray()) {
            node.forEach(Api::collectIds);
        } else if (node.isObject()) {
            if (node.has("id") && node.has("status") && node.path("id").isString()) {
                JOB_IDS.add(node.path("id").asString());
            }
            if (node.has("content")) {
                collectIds(node.path("content"));
            }
        }
    }
}
