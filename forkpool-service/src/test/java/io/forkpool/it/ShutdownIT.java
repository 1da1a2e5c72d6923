package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.web.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged service, stopped the way Kubernetes stops it (SIGTERM): readiness goes down, new
 * jobs get 503 with Retry-After, the process exits within the grace period and takes its workers
 * with it. Here on the memory backend, where a running job ends FAILED "interrupted by shutdown"
 * (on the durable default it stays RUNNING and resumes: DurableStoreIT). Also a job's own timeout.
 */
class ShutdownIT {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void sigtermDrainsRefusesAndExitsWithinTheGracePeriod() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        var service = new ProcessBuilder(
                        java,
                        "-jar",
                        System.getProperty("forkpool.jar"),
                        "--server.port=" + port,
                        "--forkpool.workers.count=2",
                        "--forkpool.backend=memory",
                        "--forkpool.workers.warmup=0ms",
                        "--forkpool.jobs.shutdown-grace=3s")
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target/shutdown-it.log").toFile())
                .start();
        String base = "http://127.0.0.1:" + port;
        try {
            awaitReady(base);
            // The spare starts once the service is ready: it must not outlive the service either.
            var workerPids = PackagedService.awaitSpare(new Api(base), service);
            assertThat(workerPids).as("2 workers and the spare").hasSize(3);

            var timedOut = post(
                    base + "/api/v1/jobs?wait=10",
                    "{\"type\":\"pi\",\"samples\":10000000000000," + "\"timeoutSeconds\":1}");
            assertThat(timedOut.body()).contains("\"status\":\"FAILED\"").contains("timed out after 1 s");

            CompletableFuture<HttpResponse<String>> waiter = HTTP.sendAsync(
                    request(base + "/api/v1/jobs?wait=60", "{\"type\":\"pi\",\"samples\":10000000000000}"),
                    HttpResponse.BodyHandlers.ofString());
            // the job is running (the timed-out one has FAILED: it is the only one)
            var api = new Api(base);
            await("the job RUNNING")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> assertThat(Api.parse(api.get("/api/v1/jobs?status=RUNNING")
                                            .body())
                                    .path("totalElements")
                                    .longValue())
                            .isEqualTo(1));
            long sigterm = System.nanoTime();
            service.destroy(); // SIGTERM
            // within the grace period, readiness goes down while the server still answers
            await("readiness DOWN after SIGTERM")
                    .atMost(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> HTTP.send(
                                            HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 503);
            var refused = post(base + "/api/v1/jobs", "{\"type\":\"pi\",\"samples\":5}");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(c -> assertThat(c).startsWith("application/problem+json"));

            var interrupted = waiter.get(10, TimeUnit.SECONDS);
            assertThat(interrupted.body()).contains("\"status\":\"FAILED\"").contains("interrupted by shutdown");
            assertThat(service.waitFor(10, TimeUnit.SECONDS)).as("exited").isTrue();
            double took = (System.nanoTime() - sigterm) / 1e9;
            assertThat(took).as("seconds from SIGTERM to exit, grace 3 s").isLessThan(8);
            for (long pid : workerPids) {
                var alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                assertThat(alive).as("worker %d outlived the service", pid).isFalse();
            }
        } finally {
            service.destroyForcibly();
        }
    }

    static HttpRequest request(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(70))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(request(url, body), HttpResponse.BodyHandlers.ofString());
    }

    static void awaitReady(String base) {
        await("service ready; see target/shutdown-it.log")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                .until(() -> HTTP.send(
                                        HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);
    }
}
