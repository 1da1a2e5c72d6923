package io.forkpool.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The kustomize base in k8s/, rendered by the real {@code kubectl kustomize} and checked
 * against the Kubernetes API schemas by src/test/k8s-validate (npm package kubernetes-models,
 * generated from the Kubernetes OpenAPI spec), then against what forkpool needs to run well.
 * Needs kubectl and node on the PATH and {@code npm ci --prefix src/test/k8s-validate}; a
 * missing tool fails the test, it is never skipped.
 */
class KubernetesManifestsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SERVICE_SHUTDOWN_GRACE_SECONDS = 30;

    private static String rendered;
    private static List<JsonNode> objects;

    @BeforeAll
    static void render() {
        Path k8s = ProjectFiles.file("k8s");
        Result result = run(
                List.of(tool("KUBECTL", "kubectl"), "kustomize", k8s.toString()),
                "kubectl",
                "install kubectl (it carries kustomize) or set KUBECTL to its path");
        assertThat(result.exit())
                .as("kubectl kustomize k8s/ failed:%n%s", result.stderr())
                .isZero();
        rendered = result.stdout();
        objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(rendered)) {
            if (document != null) {
                objects.add(JSON.valueToTree(document));
            }
        }
    }

    @Test
    void everyRenderedObjectIsValidAgainstTheKubernetesSchemas() throws IOException {
        JsonNode report = validate(rendered);

        assertThat(report.path("objects")).as("validator report: %s", report).hasSize(objects.size());
        assertThat(report.path("ok").asBoolean())
                .as("schema errors:%n%s", errors(report))
                .isTrue();
    }

    /**
     * The Redis overlays (KEDA, and CPU for clusters without it; KedaScaledObjectTest checks what
     * differs): valid too, three replicas on the redis backend, Redis with persistence.
     */
    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/redis", "k8s/overlays/redis-cpu"})
    void theRedisOverlaysRenderValidAndShareOneRedis(String overlayDir) throws IOException {
        Result result = run(
                List.of(
                        tool("KUBECTL", "kubectl"),
                        "kustomize",
                        ProjectFiles.file(overlayDir).toString()),
                "kubectl",
                "install kubectl");
        assertThat(result.exit())
                .as("kubectl kustomize %s failed:%n%s", overlayDir, result.stderr())
                .isZero();
        JsonNode report = validate(result.stdout());
        assertThat(report.path("ok").asBoolean())
                .as("schema errors:%n%s", errors(report))
                .isTrue();
        String overlay = result.stdout();
        assertThat(overlay)
                .contains("FORKPOOL_BACKEND: redis")
                .contains("kind: StatefulSet")
                .contains("volumeClaimTemplates")
                .contains("appendonly")
                .doesNotContain("sessionAffinity");
        assertThat(overlay).containsPattern("kind: Deployment[\\s\\S]*replicas: 3");
    }

    @Test
    void theValidatorRejectsAMisspeltFieldAndAWrongType() throws IOException {
        String broken = replaceOnce(
                replaceOnce(rendered, "readinessProbe:", "readinesProbe:"),
                "revisionHistoryLimit: 5",
                "revisionHistoryLimit: five");

        JsonNode report = validate(broken);

        assertThat(report.path("ok").asBoolean()).isFalse();
        assertThat(errors(report)).contains("readinesProbe").contains("/spec/revisionHistoryLimit must be integer");
    }

    @Test
    void rendersTheObjectsOfTheBase() {
        assertThat(objects)
                .extracting(o -> o.path("kind").asString())
                .containsExactlyInAnyOrder(
                        "ServiceAccount", "ConfigMap", "Service", "Deployment", "PersistentVolumeClaim");
        assertThat(container().path("image").asString()).isEqualTo("forkpool:0.1.0");
    }

    @Test
    void probesUseTheActuatorHealthGroups() {
        JsonNode container = container();
        assertThat(httpGetPath(container, "startupProbe")).isEqualTo("/actuator/health/liveness");
        assertThat(httpGetPath(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
        assertThat(httpGetPath(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(containerPort(
                            container, container.path(probe).path("httpGet").path("port")))
                    .as(probe + " port")
                    .isEqualTo(8080);
        }
    }

    @Test
    void runsAsNonRootOnAReadOnlyRootFilesystemWithoutPrivileges() {
        JsonNode pod = podSpec();
        JsonNode container = container();
        JsonNode security = container.path("securityContext");

        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()
                        || security.path("runAsNonRoot").asBoolean())
                .as("runAsNonRoot")
                .isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isPositive();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(strings(security.path("capabilities").path("drop"))).contains("ALL");

        // The JVM, Tomcat and the workers need a writable /tmp: an emptyDir, not the image.
        String tmpVolume = StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
                .filter(m -> m.path("mountPath").asString().equals("/tmp"))
                .map(m -> m.path("name").asString())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no /tmp mount"));
        assertThat(StreamSupport.stream(pod.path("volumes").spliterator(), false)
                        .filter(v -> v.path("name").asString().equals(tmpVolume))
                        .anyMatch(v -> v.has("emptyDir")))
                .as("/tmp is an emptyDir")
                .isTrue();
    }

    @Test
    void theCpuLimitSetsTheWorkerCount() {
        JsonNode resources = container().path("resources");
        assertThat(resources.path("limits").path("cpu").asString()).isEqualTo("2");
        assertThat(resources.path("limits").path("memory").asString()).isNotBlank();
        assertThat(resources.path("requests").path("cpu").asString()).isNotBlank();
        assertThat(resources.path("requests").path("memory").asString()).isNotBlank();

        JsonNode workers = env(container(), "FORKPOOL_WORKERS_COUNT");
        assertThat(workers.path("valueFrom")
                        .path("resourceFieldRef")
                        .path("resource")
                        .asString())
                .isEqualTo("limits.cpu");
    }

    @Test
    void settingsComeFromTheGeneratedConfigMap() {
        String configMap = object("ConfigMap").path("metadata").path("name").asString();
        assertThat(strings(container().path("envFrom").findValues("name"))).contains(configMap);
        assertThat(object("ConfigMap").path("data").path("FORKPOOL_BACKEND").asString())
                .isEqualTo("embedded");
    }

    @Test
    void terminationGraceOutlastsThePreStopPauseAndTheServicesWholeShutdown() {
        int grace = podSpec().path("terminationGracePeriodSeconds").asInt();
        List<String> preStop = strings(
                container().path("lifecycle").path("preStop").path("exec").path("command"));
        int pause = preStop.size() == 2 && preStop.get(0).equals("sleep") ? Integer.parseInt(preStop.get(1)) : 0;
        JsonNode config = object("ConfigMap").path("data");
        // Running jobs get forkpool.jobs.shutdown-grace, then the web server's graceful
        // shutdown gets up to spring.lifecycle.timeout-per-shutdown-phase.
        int jobs = seconds(config.path("FORKPOOL_JOBS_SHUTDOWNGRACE").asString());
        int http =
                seconds(config.path("SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE").asString());

        assertThat(http).isEqualTo(SERVICE_SHUTDOWN_GRACE_SECONDS);
        assertThat(grace).isGreaterThan(SERVICE_SHUTDOWN_GRACE_SECONDS).isGreaterThan(pause + jobs + http);
    }

    @Test
    void prometheusIsToldToScrapeThePods() {
        JsonNode annotations = object("Deployment")
                .path("spec")
                .path("template")
                .path("metadata")
                .path("annotations");
        assertThat(annotations.path("prometheus.io/scrape").asString()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/path").asString()).isEqualTo("/actuator/prometheus");
        assertThat(annotations.path("prometheus.io/port").asString()).isEqualTo("8080");
    }

    @Test
    void theServiceSelectsThePods() {
        JsonNode podLabels = object("Deployment")
                .path("spec")
                .path("template")
                .path("metadata")
                .path("labels");
        JsonNode service = object("Service").path("spec");
        assertThat(service.path("selector").properties()).isNotEmpty();
        assertThat(podLabels.properties()).containsAll(service.path("selector").properties());
        JsonNode port = service.path("ports").path(0);
        assertThat(port.path("name").asString()).isEqualTo("http");
        assertThat(port.path("port").asInt()).isEqualTo(80);
        assertThat(containerPort(container(), port.path("targetPort"))).isEqualTo(8080);
    }

    /**
     * The durable embedded store needs its data folder on a volume that one pod holds at a time:
     * one replica, the old pod gone before the new one starts, the claim mounted where the image
     * keeps the store.
     */
    @Test
    void theBaseRunsOneReplicaOnItsDataVolume() throws IOException {
        JsonNode deployment = object("Deployment").path("spec");
        assertThat(deployment.path("replicas").asInt()).isEqualTo(1);
        assertThat(deployment.path("strategy").path("type").asString()).isEqualTo("Recreate");
        JsonNode claim = object("PersistentVolumeClaim");
        assertThat(claim.path("spec").path("accessModes").path(0).asString()).isEqualTo("ReadWriteOnce");
        JsonNode pod = deployment.path("template").path("spec");
        String volume = StreamSupport.stream(pod.path("volumes").spliterator(), false)
                .filter(v -> v.path("persistentVolumeClaim")
                        .path("claimName")
                        .asString()
                        .equals(claim.path("metadata").path("name").asString()))
                .map(v -> v.path("name").asString())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume of the claim in " + pod.path("volumes")));
        assertThat(StreamSupport.stream(container().path("volumeMounts").spliterator(), false)
                        .filter(m -> m.path("name").asString().equals(volume))
                        .map(m -> m.path("mountPath").asString()))
                .as("the image's FORKPOOL_STORE_DIR")
                .containsExactly("/var/lib/forkpool");
        assertThat(Files.readString(ProjectFiles.file("Dockerfile")))
                .contains("ENV FORKPOOL_STORE_DIR=/var/lib/forkpool");
    }

    /** The autoscaler and the disruption budget of the many-replica overlay (redis-cpu; KEDA's in KedaScaledObjectTest). */
    @Test
    void theRedisOverlayScalesOnCpuAndLeavesRoomToDrainANode() throws IOException {
        Result result = run(
                List.of(
                        tool("KUBECTL", "kubectl"),
                        "kustomize",
                        ProjectFiles.file("k8s/overlays/redis-cpu").toString()),
                "kubectl",
                "install kubectl");
        assertThat(result.exit()).as(result.stderr()).isZero();
        var overlay = new ArrayList<JsonNode>();
        for (Object document : new Yaml().loadAll(result.stdout())) {
            if (document != null) {
                overlay.add(JSON.valueToTree(document));
            }
        }
        JsonNode hpa = kind(overlay, "HorizontalPodAutoscaler").path("spec");
        JsonNode pdb = kind(overlay, "PodDisruptionBudget").path("spec");
        JsonNode deployment = overlay.stream()
                .filter(o -> o.path("kind").asString().equals("Deployment")
                        && o.path("metadata").path("name").asString().equals("forkpool"))
                .findFirst()
                .orElseThrow();
        assertThat(kind(overlay, "HorizontalPodAutoscaler").path("apiVersion").asString())
                .isEqualTo("autoscaling/v2");
        assertThat(hpa.path("scaleTargetRef").path("kind").asString()).isEqualTo("Deployment");
        assertThat(hpa.path("scaleTargetRef").path("name").asString()).isEqualTo("forkpool");
        assertThat(hpa.path("metrics").findValues("name").stream().map(JsonNode::asString))
                .contains("cpu");
        assertThat(pdb.path("minAvailable").asInt()).isEqualTo(1);
        JsonNode podLabels =
                deployment.path("spec").path("template").path("metadata").path("labels");
        assertThat(podLabels.properties())
                .containsAll(pdb.path("selector").path("matchLabels").properties());
        // More replicas than the budget keeps available, or a node drain could never evict one.
        assertThat(hpa.path("minReplicas").asInt())
                .isGreaterThan(pdb.path("minAvailable").asInt());
        assertThat(deployment.path("spec").path("strategy").path("type").asString())
                .isEqualTo("RollingUpdate");
        assertThat(overlay)
                .as("no data claim with Redis")
                .noneMatch(o -> o.path("kind").asString().equals("PersistentVolumeClaim"));
    }

    private static JsonNode kind(List<JsonNode> objects, String kind) {
        return objects.stream()
                .filter(o -> o.path("kind").asString().equals(kind))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    // ---- helpers -------------------------------------------------------------------------

    /** The validator's report on {@code yaml} (also used by KedaScaledObjectTest). */
    static JsonNode validate(String yaml) throws IOException {
        Path dir = ProjectFiles.file("forkpool-service/src/test/k8s-validate");
        if (!Files.isDirectory(dir.resolve("node_modules/kubernetes-models"))
                || !Files.isDirectory(dir.resolve("node_modules/@kubernetes-models/keda"))) {
            fail("the validator's npm packages are not installed: run `npm ci --prefix src/test/k8s-validate`");
        }
        Path manifests = Files.createTempFile("rendered", ".yaml");
        Files.writeString(manifests, yaml);
        try {
            return report(dir, manifests);
        } finally {
            Files.deleteIfExists(manifests);
        }
    }

    private static JsonNode report(Path dir, Path manifests) throws IOException {
        Result result = run(
                List.of(tool("NODE", "node"), dir.resolve("validate.mjs").toString(), manifests.toString()),
                "node",
                "install Node.js 18 or later, or set NODE to its path");
        if (result.exit() == 2 || result.stdout().isBlank()) {
            fail(
                    "the validator could not check the manifests (exit %d):%n%s%n%s",
                    result.exit(), result.stdout(), result.stderr());
        }
        JsonNode report = JSON.readTree(result.stdout());
        assertThat(result.exit())
                .as("exit code vs report %s", report)
                .isEqualTo(report.path("ok").asBoolean() ? 0 : 1);
        return report;
    }

    static String errors(JsonNode report) {
        var lines = new StringBuilder();
        for (JsonNode o : report.path("objects")) {
            for (JsonNode error : o.path("errors")) {
                lines.append(o.path("kind").asString())
                        .append('/')
                        .append(o.path("name").asString())
                        .append(": ")
                        .append(error.asString())
                        .append('\n');
            }
        }
        return lines.toString();
    }

    private static JsonNode object(String kind) {
        List<JsonNode> found = objects.stream()
                .filter(o -> o.path("kind").asString().equals(kind))
                .toList();
        assertThat(found).as("rendered %s objects", kind).hasSize(1);
        return found.getFirst();
    }

    private static JsonNode podSpec() {
        return object("Deployment").path("spec").path("template").path("spec");
    }

    private static JsonNode container() {
        JsonNode containers = podSpec().path("containers");
        return StreamSupport.stream(containers.spliterator(), false)
                .filter(c -> c.path("name").asString().equals("forkpool"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container named forkpool in " + containers));
    }

    private static JsonNode env(JsonNode container, String name) {
        return StreamSupport.stream(container.path("env").spliterator(), false)
                .filter(e -> e.path("name").asString().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static String httpGetPath(JsonNode container, String probe) {
        return container.path(probe).path("httpGet").path("path").asString();
    }

    /** A port given by number or by the name of one of the container's ports. */
    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isNumber()) {
            return port.asInt();
        }
        return StreamSupport.stream(container.path("ports").spliterator(), false)
                .filter(p -> p.path("name").asString().equals(port.asString()))
                .map(p -> p.path("containerPort").asInt())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port));
    }

    private static List<String> strings(Iterable<JsonNode> nodes) {
        return StreamSupport.stream(nodes.spliterator(), false)
                .map(JsonNode::asString)
                .toList();
    }

    /** A Spring duration in whole seconds ("20s", "1m"). */
    private static int seconds(String duration) {
        var m = Pattern.compile("(\\d+)(s|m)").matcher(duration);
        assertThat(m.matches()).as("duration %s", duration).isTrue();
        return Integer.parseInt(m.group(1)) * (m.group(2).equals("m") ? 60 : 1);
    }

    private static String replaceOnce(String text, String from, String to) {
        assertThat(text).contains(from);
        return text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
    }

    static String tool(String envVar, String name) {
        String configured = System.getenv(envVar);
        return configured == null || configured.isBlank() ? name : configured;
    }

    record Result(int exit, String stdout, String stderr) {}

    static Result run(List<String> command, String what, String hint) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new AssertionError(
                    what + " is needed by this test and could not be started (" + e.getMessage() + "): " + hint, e);
        }
        try {
            process.getOutputStream().close();
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("%s did not finish within %s: %s", what, TIMEOUT, command);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new AssertionError(what + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    private static CompletableFuture<String> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        });
    }
}
