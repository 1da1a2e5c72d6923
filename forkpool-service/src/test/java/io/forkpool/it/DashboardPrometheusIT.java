package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.ops.DashboardQueries;
import io.forkpool.web.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import tools.jackson.databind.JsonNode;

/**
 * The Grafana dashboard against a real Prometheus: the packaged service runs jobs of every type
 * (and a bad request, an unknown job and a cancelled job, so the error series exist), Debian's
 * {@code /usr/bin/prometheus} scrapes it every second, and every PromQL expression of
 * {@code docker/grafana/dashboards/forkpool.json} must be valid and return at least one series.
 *
 * <p>Never skipped: without {@code /usr/bin/prometheus} it fails and says to run {@code .ci/setup}.
 * Where Docker runs ({@code FORKPOOL_TESTCONTAINERS=true}) and the Debian binary is absent, a
 * Prometheus container scrapes the service through Testcontainers' host port instead.
 */
class DashboardPrometheusIT {

    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    static final String PROMETHEUS_IMAGE = "prom/prometheus:v2.53.0";
    static final Duration READY_WITHIN = Duration.ofSeconds(120);
    /** Enough scrapes (1 s apart) for every [1m] rate to have two samples of every series. */
    static final Duration SAMPLES_WITHIN = Duration.ofSeconds(60);

    static final List<String> JOBS = List.of(
            "{\"type\":\"pi\",\"samples\":20000000,\"seed\":1}",
            "{\"type\":\"projectile\",\"samples\":1000000,\"bins\":20,\"angleMinDeg\":30,\"angleMaxDeg\":31,"
                    + "\"speedMin\":99,\"speedMax\":100,\"gravity\":9.81}",
            "{\"type\":\"dice\",\"rolls\":1000000,\"faces\":6}",
            "{\"type\":\"sine\",\"x\":0.5,\"terms\":3}",
            "{\"type\":\"smallest-multiple\",\"samples\":1000000,\"factor\":7,\"low\":1,\"high\":1000}");

    @TempDir
    Path tmp;

    @Test
    void everyExpressionOfTheDashboardReturnsSeriesFromARealPrometheus() throws Exception {
        Path dashboard = io.forkpool.ops.ProjectFiles.file("docker/grafana/dashboards/forkpool.json");
        List<String> expressions = DashboardQueries.expressions(dashboard);
        assertThat(expressions).as("PromQL in %s", dashboard).isNotEmpty();

        Path jar = Path.of(System.getProperty("forkpool.jar", "")).toAbsolutePath();
        assertThat(jar)
                .as("packaged jar (system property forkpool.jar, set by failsafe)")
                .isRegularFile();
        String java = ProcessHandle.current().info().command().orElseThrow();
        int servicePort = freePort();
        Path serviceLog = jar.getParent().resolve("dashboard-prometheus-it-service.log");
        Files.deleteIfExists(serviceLog);

        Process service = null;
        List<ProcessHandle> workers = new ArrayList<>();
        Prometheus prometheus = null;
        try {
            service = new ProcessBuilder(
                            java,
                            "-jar",
                            jar.toString(),
                            "--server.port=" + servicePort,
                            "--forkpool.workers.count=2",
                            "--forkpool.workers.warmup=0ms")
                    .redirectErrorStream(true)
                    .redirectOutput(serviceLog.toFile())
                    .start();
            // Prometheus starts while the service does; it scrapes "up 0" until the service listens.
            prometheus = Prometheus.start(servicePort, tmp, jar.getParent().resolve("dashboard-prometheus-it.log"));
            var api = new Api("http://127.0.0.1:" + servicePort);
            PackagedService.awaitReady(api, service, serviceLog, READY_WITHIN);
            service.descendants().forEach(workers::add);

            // The harness must tell the three answers apart on this Prometheus.
            assertThat(prometheus.query("sum(").status()).isEqualTo("error");
            assertThat(prometheus.query("forkpool_no_such_metric_total").series())
                    .isZero();
            assertThat(prometheus.query("vector(1)").series()).isEqualTo(1);

            // Round 1 creates every series; once Prometheus has them, round 2 moves the counters
            // between two scrapes, so the rates are above 0 and the quantiles are numbers.
            long t0 = System.nanoTime();
            int jobSeries = makeEverySeries(api);
            awaitSeries(
                    prometheus,
                    "count(forkpool_jobs_duration_seconds_count) >= " + jobSeries,
                    System.nanoTime() + SAMPLES_WITHIN.toNanos());
            makeEverySeries(api);
            System.out.printf(
                    "service ready, two rounds of %d jobs in %.1f s%n", jobSeries, (System.nanoTime() - t0) / 1e9);
            awaitSamples(prometheus);

            var failures = new ArrayList<String>();
            var report = new StringBuilder();
            for (String expr : expressions) {
                Answer answer = prometheus.query(expr);
                report.append(String.format("%3d series  %-12s %s%n", answer.series(), answer.firstValue(), expr));
                if (!"success".equals(answer.status())) {
                    failures.add("invalid: " + expr + "\n    " + answer.error());
                } else if (answer.series() == 0) {
                    failures.add("no series: " + expr);
                }
            }
            System.out.print(report);
            assertThat(failures)
                    .as(
                            "dashboard expressions that failed on Prometheus %s (of %d)",
                            prometheus.version(), expressions.size())
                    .isEmpty();
        } finally {
            if (prometheus != null) {
                prometheus.close();
            }
            if (service != null) {
                stop(service, workers);
            }
        }
    }

    /**
     * Jobs of every type to their end, a 400, a 404 and a cancelled job: afterwards every series
     * the dashboard reads exists. Returns how many (type, status) job series that makes.
     */
    private static int makeEverySeries(Api api) throws InterruptedException {
        for (String job : JOBS) {
            api.runToSuccess(job);
        }
        var bad = api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":-1}");
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        var unknown = api.get("/api/v1/jobs/no-such-job");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);

        var running = api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":1000000000000}");
        assertThat(running.statusCode()).as(running.body()).isEqualTo(202);
        String id = Api.parse(running.body()).path("id").asString();
        var cancel = api.delete("/api/v1/jobs/" + id);
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        Awaitility.await("the cancelled job CANCELLED")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(
                                Api.parse(api.get("/api/v1/jobs/" + id).body())
                                        .path("status")
                                        .asString())
                        .isEqualTo("CANCELLED"));
        return JOBS.size() + 1;
    }

    /**
     * Until Prometheus scrapes the service ({@code up == 1}) and has, inside a [1m] window, two
     * samples apart of every type's finished jobs and of the 4xx answers: then every rate() of
     * the dashboard has something to say.
     */
    private static void awaitSamples(Prometheus prometheus) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + SAMPLES_WITHIN.toNanos();
        awaitSeries(prometheus, "up{job=\"forkpool\"} == 1", deadline);
        awaitSeries(
                prometheus,
                "count(rate(forkpool_jobs_duration_seconds_count{status=\"SUCCEEDED\"}[1m]) > 0) >= " + JOBS.size(),
                deadline);
        awaitSeries(
                prometheus, "count(rate(http_server_requests_seconds_count{status=~\"4..\"}[1m]) > 0) >= 2", deadline);
        System.out.printf("Prometheus had the samples after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        // one more scrape, begun after this point: the last requests' own series are in it too
        String now = String.format(java.util.Locale.ROOT, "%.3f", System.currentTimeMillis() / 1000.0);
        awaitSeries(
                prometheus,
                "timestamp(up{job=\"forkpool\"}) > " + now,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
    }

    /** Polls until {@code condition} returns a series; fails past {@code deadline} (nanoTime). */
    private static void awaitSeries(Prometheus prometheus, String condition, long deadline) {
        Awaitility.await("Prometheus: " + condition)
                .atMost(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Answer last = prometheus.query(condition);
                    assertThat(last.status())
                            .as("%s: %s", condition, last.error())
                            .isEqualTo("success");
                    return last.series() > 0;
                });
    }

    static void stop(Process service, List<ProcessHandle> workers) throws InterruptedException {
        service.destroy();
        if (!service.waitFor(30, TimeUnit.SECONDS)) {
            service.destroyForcibly();
            service.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle worker : workers) {
            worker.destroyForcibly();
        }
    }

    /** The service module's directory (Surefire's basedir). */
    static Path projectRoot() {
        String basedir = System.getProperty("basedir");
        if (basedir != null && Files.isRegularFile(Path.of(basedir, "pom.xml"))) {
            return Path.of(basedir).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String tail(Path log, int lines) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** One instant query's answer: status, number of series, the first value, the error if any. */
    record Answer(String status, int series, String firstValue, String error) {}

    /** A Prometheus scraping the service every second: Debian's binary here, a container in CI. */
    static final class Prometheus implements AutoCloseable {

        private final Process process;
        private final GenericContainer<?> container;
        private final String base;
        private final Path log;
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        private Prometheus(Process process, GenericContainer<?> container, String base, Path log) {
            this.process = process;
            this.container = container;
            this.base = base;
            this.log = log;
        }

        static Prometheus start(int servicePort, Path dir, Path log) throws IOException, InterruptedException {
            if (Files.isExecutable(PROMETHEUS)) {
                return startDebian(servicePort, dir, log);
            }
            if ("true".equals(System.getenv("FORKPOOL_TESTCONTAINERS"))) {
                return startContainer(servicePort, log);
            }
            throw new AssertionError(PROMETHEUS + " is missing: run .ci/setup (it installs Debian's prometheus "
                    + "package), or set FORKPOOL_TESTCONTAINERS=true where Docker runs");
        }

        static String config(String target) {
            return """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: forkpool
                        metrics_path: /actuator/prometheus
                        static_configs:
                          - targets: ['%s']
                    """.formatted(target);
        }

        private static Prometheus startDebian(int servicePort, Path dir, Path log)
                throws IOException, InterruptedException {
            Path config = Files.writeString(dir.resolve("prometheus.yml"), config("127.0.0.1:" + servicePort));
            Path data = Files.createDirectories(dir.resolve("data"));
            int port = freePort();
            Files.deleteIfExists(log);
            Process process = new ProcessBuilder(
                            PROMETHEUS.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + data,
                            "--web.listen-address=127.0.0.1:" + port,
                            "--storage.tsdb.retention.time=1h",
                            "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            var prometheus = new Prometheus(process, null, "http://127.0.0.1:" + port, log);
            prometheus.awaitReady();
            return prometheus;
        }

        /** Not run on the development machines (no Docker there): the CI path. */
        private static Prometheus startContainer(int servicePort, Path log) {
            Testcontainers.exposeHostPorts(servicePort);
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(PROMETHEUS_IMAGE))
                    .withCopyToContainer(
                            Transferable.of(config("host.testcontainers.internal:" + servicePort)),
                            "/etc/prometheus/prometheus.yml")
                    .withCommand(
                            "--config.file=/etc/prometheus/prometheus.yml",
                            "--storage.tsdb.path=/prometheus",
                            "--web.listen-address=0.0.0.0:9090",
                            "--log.level=warn")
                    .withExposedPorts(9090)
                    .waitingFor(Wait.forHttp("/-/ready").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(60)));
            container.start();
            return new Prometheus(
                    null, container, "http://" + container.getHost() + ":" + container.getMappedPort(9090), log);
        }

        private void awaitReady() throws IOException {
            try {
                Awaitility.await("prometheus ready")
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200))
                        .failFast("prometheus exited", () -> !process.isAlive())
                        .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                        .until(() -> get("/-/ready").statusCode() == 200);
            } catch (TerminalFailureException exited) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + tail(log, 40));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("prometheus not ready within 30 s:\n" + tail(log, 40));
            }
        }

        String version() {
            try {
                return Api.parse(get("/api/v1/status/buildinfo").body())
                        .path("data")
                        .path("version")
                        .asString();
            } catch (IOException | InterruptedException | RuntimeException e) {
                return "?";
            }
        }

        Answer query(String expr) {
            try {
                var response = get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
                JsonNode body = Api.parse(response.body());
                String status = body.path("status").asString("");
                if (!"success".equals(status)) {
                    return new Answer(
                            status.isEmpty() ? "http " + response.statusCode() : status,
                            0,
                            "",
                            body.path("errorType").asString("") + ": "
                                    + body.path("error").asString(response.body()));
                }
                JsonNode result = body.path("data").path("result");
                String first = "";
                if (result.isArray() && !result.isEmpty()) {
                    first = result.get(0).path("value").path(1).asString("");
                } else if (body.path("data").path("resultType").asString("").equals("scalar")) {
                    return new Answer(status, 1, result.path(1).asString(""), null);
                }
                return new Answer(status, result.isArray() ? result.size() : 0, first, null);
            } catch (IOException e) {
                throw new AssertionError("Prometheus did not answer the query " + expr, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
            return http.send(
                    HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
            if (container != null) {
                container.stop();
            }
        }
    }
}
