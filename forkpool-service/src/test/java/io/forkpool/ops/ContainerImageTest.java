package io.forkpool.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of the image without a Docker engine: the Dockerfile agrees with the
 * Kubernetes manifests and the compose stack, and its HEALTHCHECK script really tells a
 * ready service (200) from one that is not (503, closed port).
 */
class ContainerImageTest {

    private final String dockerfile = read("Dockerfile");

    @Test
    void theImageRunsAsTheNonRootUserThePodDeclares() {
        var user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
        assertThat(user.find()).as("numeric USER uid:gid in the Dockerfile").isTrue();
        assertThat(Integer.parseInt(user.group(1))).isPositive();
        assertThat(read("k8s/base/deployment.yaml"))
                .contains("runAsUser: " + user.group(1))
                .contains("runAsGroup: " + user.group(2));
    }

    @Test
    void theServiceAndItsWorkersUseTheAotCacheMadeAtBuildTime() {
        assertThat(dockerfile)
                .contains("RUN /app/aot-train.sh /app")
                .contains("ENV FORKPOOL_WORKERS_JVMOPTIONS=\"-XX:AOTCache=/app/worker.aot\"")
                .contains("java -Djarmode=tools -jar /tmp/forkpool.jar extract --destination /app");
        var entrypoint = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
        assertThat(entrypoint.find()).isTrue();
        assertThat(entrypoint.group(1))
                .startsWith("[\"java\", \"-XX:AOTCache=/app/forkpool.aot\"")
                .endsWith("\"-jar\", \"app.jar\"]");
        assertThat(dockerfile).doesNotContain("JAVA_TOOL_OPTIONS=");
        assertThat(dockerfile).contains("FROM eclipse-temurin:25-jdk AS build").contains("FROM eclipse-temurin:25-jre");
    }

    @Test
    void theBuildContextKeepsWhatTheBuildCopies() {
        String ignore = read(".dockerignore");
        assertThat(ignore.lines())
                .contains(
                        "*",
                        "!mvnw",
                        "!.mvn",
                        "!pom.xml",
                        "!forkpool-kind-api",
                        "!forkpool-service/pom.xml",
                        "!forkpool-service/src",
                        "!examples",
                        "!docker/healthcheck.sh",
                        "!docker/aot-train.sh",
                        "!forkpool-openapi-client-it",
                        "!docs/openapi.json");
        // every module of the build is in the context: the reactor needs them all (the generated
        // client's module with the API snapshot it is generated from)
        for (String module : List.of(
                "forkpool-kind-api",
                "examples",
                "forkpool-service/pom.xml",
                "forkpool-service/src",
                "forkpool-openapi-client-it",
                "docs/openapi.json")) {
            assertThat(dockerfile).contains("COPY " + module + " " + module);
        }
        assertThat(dockerfile)
                .contains("COPY --chmod=755 docker/healthcheck.sh /app/healthcheck.sh")
                .contains("CMD [\"/app/healthcheck.sh\"]")
                .contains("EXPOSE 8080");
    }

    @Test
    void theImageReadsKindsFromOptForkpoolKinds() {
        assertThat(dockerfile)
                .contains("ENV FORKPOOL_KINDS_DIR=/opt/forkpool/kinds")
                .contains("mkdir -p /opt/forkpool/kinds");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsTheImageWithPrometheusScrapingTheActuator() {
        Map<String, Object> compose = new Yaml().load(read("docker/compose.yaml"));
        assertThat((Map<String, Object>) compose.get("services")).containsKeys("forkpool", "prometheus", "grafana");

        Map<String, Object> prometheus = new Yaml().load(read("docker/prometheus/prometheus.yml"));
        var jobs = (List<Map<String, Object>>) prometheus.get("scrape_configs");
        var forkpool = jobs.stream()
                .filter(j -> "forkpool".equals(j.get("job_name")))
                .findFirst()
                .orElseThrow();
        assertThat(forkpool)
                .containsEntry("metrics_path", "/actuator/prometheus")
                .containsEntry("scrape_interval", "5s");
        var targets = (List<Map<String, Object>>) forkpool.get("static_configs");
        assertThat((List<String>) targets.getFirst().get("targets")).containsExactly("forkpool:8080");
    }

    @Test
    void theHealthcheckIsHealthyOnlyWhileReadinessAnswers200() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int[] status = {503};
        server.createContext("/actuator/health/readiness", exchange -> {
            byte[] body = (status[0] == 200 ? "{\"status\":\"UP\"}" : "{\"status\":\"OUT_OF_SERVICE\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            assertThat(healthcheck(port)).as("503: not ready").isEqualTo(1);
            status[0] = 200;
            assertThat(healthcheck(port)).as("200: ready").isZero();
        } finally {
            server.stop(0);
        }
        assertThat(healthcheck(server.getAddress().getPort()))
                .as("nothing listening")
                .isEqualTo(1);
    }

    private static int healthcheck(int port) {
        String script = ProjectFiles.file("docker/healthcheck.sh").toString();
        return KubernetesManifestsTest.run(
                        List.of("bash", script, Integer.toString(port)), "bash", "the HEALTHCHECK script needs bash")
                .exit();
    }

    private static String read(String relative) {
        try {
            return Files.readString(ProjectFiles.file(relative));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
