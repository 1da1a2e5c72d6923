package io.forkpool.ops;

import static io.forkpool.ops.KubernetesManifestsTest.errors;
import static io.forkpool.ops.KubernetesManifestsTest.run;
import static io.forkpool.ops.KubernetesManifestsTest.tool;
import static io.forkpool.ops.KubernetesManifestsTest.validate;
import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.redis.RedisSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The redis overlay's autoscaling: {@code k8s/overlays/redis} scales the replicas with a KEDA
 * ScaledObject on the shard stream, {@code k8s/overlays/redis-cpu} is the same without KEDA, scaled
 * by the CPU HorizontalPodAutoscaler. The ScaledObject is checked against KEDA's CRD schema (the
 * validator's npm package {@code @kubernetes-models/keda}, generated from KEDA's CRDs); the CRD types
 * a trigger's metadata as any strings, so each redis-streams trigger is also checked here against
 * the parameters KEDA documents for that scaler, https://keda.sh/docs/2.21/scalers/redis-streams/,
 * and against the stream and consumer group the redis backend really uses.
 */
class KedaScaledObjectTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every parameter of the redis-streams scaler, as KEDA 2.21 documents it (page above). */
    static final Set<String> REDIS_STREAMS_PARAMETERS = Set.of(
            "address",
            "host",
            "port",
            "usernameFromEnv",
            "passwordFromEnv",
            "stream",
            "consumerGroup",
            "pendingEntriesCount",
            "streamLength",
            "lagCount",
            "activationLagCount",
            "enableTLS",
            "unsafeSsl",
            "databaseIndex",
            "addressFromEnv",
            "hostFromEnv",
            "portFromEnv");

    private static final Set<String> WHOLE_NUMBERS =
            Set.of("port", "pendingEntriesCount", "streamLength", "lagCount", "activationLagCount", "databaseIndex");
    private static final Set<String> BOOLEANS = Set.of("enableTLS", "unsafeSsl");

    /** The annotations KEDA documents on a ScaledObject (https://keda.sh/docs/2.21/reference/scaledobject-spec/). */
    private static final Set<String> SCALED_OBJECT_ANNOTATIONS = Set.of(
            "scaledobject.keda.sh/transfer-hpa-ownership",
            "validations.keda.sh/hpa-ownership",
            "autoscaling.keda.sh/paused");

    private static String kedaYaml;
    private static List<JsonNode> keda;
    private static List<JsonNode> cpu;

    @BeforeAll
    static void render() {
        kedaYaml = render("k8s/overlays/redis");
        keda = objects(kedaYaml);
        cpu = objects(render("k8s/overlays/redis-cpu"));
    }

    @Test
    void theScaledObjectIsValidAgainstKedasSchema() throws IOException {
        JsonNode report = validate(kedaYaml);

        assertThat(report.path("ok").asBoolean())
                .as("schema errors:%n%s", errors(report))
                .isTrue();
        assertThat(report.path("objects").findValues("kind").stream().map(JsonNode::asString))
                .contains("ScaledObject");
    }

    @Test
    void theValidatorRejectsAMisspeltFieldAndAWrongTypeInTheScaledObject() throws IOException {
        String broken = replaceOnce(
                replaceOnce(kedaYaml, "      name: forkpool\n  fallback:", "      nmae: forkpool\n  fallback:"),
                "pollingInterval: 15",
                "pollingInterval: fifteen");

        JsonNode report = validate(broken);

        assertThat(report.path("ok").asBoolean()).isFalse();
        assertThat(errors(report))
                .contains("ScaledObject/forkpool")
                .contains("nmae")
                .contains("/spec/pollingInterval must be integer");
    }

    /** KEDA makes its own HPA from the ScaledObject: with it, the CPU HPA must be gone. */
    @Test
    void kedaTakesTheCpuAutoscalersPlaceAndNothingElseDiffers() {
        assertThat(kinds(keda)).contains("ScaledObject").doesNotContain("HorizontalPodAutoscaler");
        assertThat(kinds(cpu)).contains("HorizontalPodAutoscaler").doesNotContain("ScaledObject");
        assertThat(names(keda).stream().filter(n -> !n.startsWith("ScaledObject/")))
                .containsExactlyInAnyOrderElementsOf(names(cpu).stream()
                        .filter(n -> !n.startsWith("HorizontalPodAutoscaler/"))
                        .toList());

        JsonNode so = one(keda, "ScaledObject");
        JsonNode hpa = one(cpu, "HorizontalPodAutoscaler");
        JsonNode spec = so.path("spec");
        // the same bounds either way, above the disruption budget so that a node drain can evict
        assertThat(spec.path("minReplicaCount").asInt())
                .isEqualTo(hpa.path("spec").path("minReplicas").asInt());
        assertThat(spec.path("maxReplicaCount").asInt())
                .isEqualTo(hpa.path("spec").path("maxReplicas").asInt());
        assertThat(spec.path("minReplicaCount").asInt())
                .isGreaterThan(one(keda, "PodDisruptionBudget")
                        .path("spec")
                        .path("minAvailable")
                        .asInt());
        assertThat(spec.path("fallback").path("replicas").asInt())
                .isBetween(
                        spec.path("minReplicaCount").asInt(),
                        spec.path("maxReplicaCount").asInt());

        JsonNode target = spec.path("scaleTargetRef");
        assertThat(target.path("apiVersion").asString("apps/v1")).isEqualTo("apps/v1");
        assertThat(target.path("kind").asString("Deployment")).isEqualTo("Deployment");
        assertThat(target.path("name").asString()).isEqualTo(name(one(keda, "Deployment")));

        // Moving from redis-cpu to redis: KEDA adopts the HPA of that name (documented: the
        // annotation needs horizontalPodAutoscalerConfig.name to be the existing HPA's).
        assertThat(so.path("metadata").path("annotations").properties())
                .allSatisfy(a -> assertThat(a.getKey().contains("keda.sh/"))
                        .as("annotation %s is not one KEDA documents", a.getKey())
                        .isEqualTo(SCALED_OBJECT_ANNOTATIONS.contains(a.getKey())));
        assertThat(so.path("metadata")
                        .path("annotations")
                        .path("scaledobject.keda.sh/transfer-hpa-ownership")
                        .asString())
                .isEqualTo("true");
        assertThat(spec.path("advanced")
                        .path("horizontalPodAutoscalerConfig")
                        .path("name")
                        .asString())
                .isEqualTo(name(hpa));
        // both overlays into one namespace, which the Redis host names
        assertThat(keda.stream().map(o -> o.path("metadata").path("namespace").asString()))
                .containsOnly(so.path("metadata").path("namespace").asString());
        assertThat(cpu.stream().map(o -> o.path("metadata").path("namespace").asString()))
                .containsOnly(so.path("metadata").path("namespace").asString());
    }

    @Test
    void everyTriggerUsesOnlyWhatKedaDocumentsForTheRedisStreamsScaler() {
        List<JsonNode> triggers = triggers();
        assertThat(triggers).isNotEmpty();
        for (JsonNode trigger : triggers) {
            assertThat(trigger.path("type").asString()).isEqualTo("redis-streams");
            assertThat(redisStreamsProblems(trigger)).as("trigger %s", trigger).isEmpty();
        }
        assertThat(triggers.stream().map(t -> t.path("name").asString()))
                .doesNotHaveDuplicates()
                .doesNotContain("");
    }

    /** One trigger on the shards in flight (the group's pending entries), one on those waiting (its lag). */
    @Test
    void oneTriggerFollowsTheShardsInFlightAndOneTheShardsWaiting() {
        List<JsonNode> pending = triggers().stream()
                .filter(t -> t.path("metadata").has("pendingEntriesCount"))
                .toList();
        List<JsonNode> lag = triggers().stream()
                .filter(t -> t.path("metadata").has("lagCount"))
                .toList();
        assertThat(pending).hasSize(1);
        assertThat(lag).hasSize(1);
        // A replica holds at most its workers' shards (one per CPU of the limit, plus one read
        // ahead): a target as high as that would never add a replica while a huge job, whose next
        // shards wait off the stream, keeps every worker busy.
        int workersPerReplica = Integer.parseInt(
                container().path("resources").path("limits").path("cpu").asString());
        assertThat(Integer.parseInt(pending.getFirst()
                        .path("metadata")
                        .path("pendingEntriesCount")
                        .asString()))
                .isBetween(1, workersPerReplica - 1);
        assertThat(Integer.parseInt(
                        lag.getFirst().path("metadata").path("lagCount").asString()))
                .isPositive();
    }

    /** The stream and consumer group the redis backend reads, at the Redis of the overlay. */
    @Test
    void theTriggersReadTheBackendsStreamAndGroupAtTheOverlaysRedis() throws Exception {
        JsonNode config = one(keda, "ConfigMap").path("data");
        String prefix = config.has("FORKPOOL_REDIS_KEYPREFIX")
                ? config.path("FORKPOOL_REDIS_KEYPREFIX").asString()
                : defaultKeyPrefix();
        Object keys = backendKeys(prefix);
        String namespace =
                one(keda, "ScaledObject").path("metadata").path("namespace").asString();
        String redisHost = config.path("SPRING_DATA_REDIS_HOST").asString();
        String redisPort = config.path("SPRING_DATA_REDIS_PORT").asString();
        JsonNode redisService = keda.stream()
                .filter(o -> o.path("kind").asString().equals("Service") && name(o).equals(redisHost))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + redisHost + " for SPRING_DATA_REDIS_HOST"));
        assertThat(redisService.path("spec").path("ports").findValues("port").stream()
                        .map(JsonNode::asString))
                .contains(redisPort);

        for (JsonNode trigger : triggers()) {
            JsonNode m = trigger.path("metadata");
            assertThat(m.path("stream").asString()).isEqualTo(call(keys, "shards"));
            assertThat(m.path("consumerGroup").asString()).isEqualTo(call(keys, "group"));
            // KEDA's operator connects from its own namespace: the host names the Service's.
            assertThat(m.path("host").asString()).isEqualTo(redisHost + "." + namespace + ".svc");
            assertThat(m.path("port").asString()).isEqualTo(redisPort);
        }
        // lagCount reads XINFO GROUPS' lag: Redis 7 or later
        String image = one(keda, "StatefulSet")
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .path(0)
                .path("image")
                .asString();
        assertThat(Integer.parseInt(image.replaceFirst("^redis:(\\d+).*$", "$1")))
                .as(image)
                .isGreaterThanOrEqualTo(7);
    }

    /** The check of the documented parameters is no rubber stamp. */
    @Test
    void theParameterCheckRefusesWhatKedaWouldNotRead() {
        JsonNode good = triggers().getFirst();
        assertThat(redisStreamsProblems(good)).isEmpty();

        assertThat(redisStreamsProblems(with(good, m -> m.put("pendingEntries", "1"))))
                .anyMatch(p -> p.contains("pendingEntries is not a documented parameter"));
        assertThat(redisStreamsProblems(with(good, m -> m.put("pendingEntriesCount", "one"))))
                .anyMatch(p -> p.contains("pendingEntriesCount is not a whole number"));
        assertThat(redisStreamsProblems(with(good, m -> m.remove("consumerGroup"))))
                .anyMatch(p -> p.contains("without consumerGroup"));
        assertThat(redisStreamsProblems(with(good, m -> m.remove("port"))))
                .anyMatch(p -> p.contains("host without port"));
        assertThat(redisStreamsProblems(with(good, m -> m.put("lagCount", "4"))))
                .anyMatch(p -> p.contains("exactly one of"));
        assertThat(redisStreamsProblems(with(good, m -> m.remove("stream")))).anyMatch(p -> p.contains("no stream"));
    }

    // ---- the documented parameters of a redis-streams trigger ---------------------------------

    /** What KEDA's redis-streams documentation says against {@code trigger}'s metadata; empty if nothing. */
    static List<String> redisStreamsProblems(JsonNode trigger) {
        var problems = new ArrayList<String>();
        JsonNode m = trigger.path("metadata");
        for (var p : m.properties()) {
            String name = p.getKey();
            if (!REDIS_STREAMS_PARAMETERS.contains(name)) {
                problems.add(name + " is not a documented parameter of the redis-streams scaler");
            } else if (!p.getValue().isString()) {
                problems.add(name + " is not a string");
            } else if (WHOLE_NUMBERS.contains(name) && !p.getValue().asString().matches("\\d+")) {
                problems.add(name + " is not a whole number: " + p.getValue());
            } else if (BOOLEANS.contains(name) && !p.getValue().asString().matches("true|false")) {
                problems.add(name + " is not true or false: " + p.getValue());
            }
        }
        if (!m.has("stream")) {
            problems.add("no stream (required)");
        }
        boolean address = m.has("address") || m.has("addressFromEnv");
        boolean host = m.has("host") || m.has("hostFromEnv");
        boolean port = m.has("port") || m.has("portFromEnv");
        if (!address && !host) {
            problems.add("no address, nor host and port");
        } else if (address && host) {
            problems.add("both address and host");
        } else if (host && !port) {
            problems.add("host without port (required with host)");
        }
        // Which count the scaler compares: consumerGroup with lagCount the group's lag, with
        // pendingEntriesCount its pending entries, no consumerGroup the stream's length. One per
        // trigger, said explicitly (each has a default of 5 otherwise).
        long targets = Set.of("pendingEntriesCount", "lagCount", "streamLength").stream()
                .filter(m::has)
                .count();
        if (targets != 1) {
            problems.add("not exactly one of pendingEntriesCount, lagCount, streamLength");
        }
        boolean group = m.has("consumerGroup");
        if (!group && (m.has("pendingEntriesCount") || m.has("lagCount"))) {
            problems.add("pendingEntriesCount or lagCount without consumerGroup: the scaler reads XLEN instead");
        }
        if (group && m.has("streamLength")) {
            problems.add("streamLength with consumerGroup: ignored");
        }
        if (m.has("lagCount") && !m.has("activationLagCount")) {
            problems.add("lagCount without activationLagCount (documented as required with it)");
        }
        String metricType = trigger.path("metricType").asString("AverageValue");
        if (!Set.of("AverageValue", "Value").contains(metricType)) {
            problems.add("metricType " + metricType + ": a redis-streams trigger takes AverageValue or Value");
        }
        return problems;
    }

    // ---- helpers -------------------------------------------------------------------------

    private static String render(String dir) {
        var result = run(
                List.of(
                        tool("KUBECTL", "kubectl"),
                        "kustomize",
                        ProjectFiles.file(dir).toString()),
                "kubectl",
                "install kubectl (it carries kustomize) or set KUBECTL to its path");
        assertThat(result.exit())
                .as("kubectl kustomize %s failed:%n%s", dir, result.stderr())
                .isZero();
        return result.stdout();
    }

    private static List<JsonNode> objects(String yaml) {
        var objects = new ArrayList<JsonNode>();
        for (Object document : new Yaml().loadAll(yaml)) {
            if (document != null) {
                objects.add(JSON.valueToTree(document));
            }
        }
        return objects;
    }

    private static List<JsonNode> triggers() {
        return StreamSupport.stream(
                        one(keda, "ScaledObject").path("spec").path("triggers").spliterator(), false)
                .toList();
    }

    private static JsonNode with(JsonNode trigger, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode copy = (ObjectNode) trigger.deepCopy();
        change.accept((ObjectNode) copy.path("metadata"));
        return copy;
    }

    private static JsonNode one(List<JsonNode> objects, String kind) {
        List<JsonNode> found = objects.stream()
                .filter(o -> o.path("kind").asString().equals(kind))
                .toList();
        assertThat(found).as("rendered %s objects", kind).hasSize(1);
        return found.getFirst();
    }

    private static JsonNode container() {
        return one(keda, "Deployment")
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .path(0);
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asString();
    }

    private static List<String> kinds(List<JsonNode> objects) {
        return objects.stream().map(o -> o.path("kind").asString()).toList();
    }

    private static List<String> names(List<JsonNode> objects) {
        return objects.stream()
                .map(o -> o.path("kind").asString() + "/" + name(o))
                .toList();
    }

    private static String replaceOnce(String text, String from, String to) {
        assertThat(text).contains(from);
        return text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    }

    /** forkpool.redis.key-prefix's default, from RedisSettings itself. */
    private static String defaultKeyPrefix() throws NoSuchMethodException {
        DefaultValue value = RedisSettings.class
                .getDeclaredConstructor(String.class)
                .getParameters()[0]
                .getAnnotation(DefaultValue.class);
        assertThat(value).as("RedisSettings.keyPrefix's @DefaultValue").isNotNull();
        return value.value()[0];
    }

    /**
     * The backend's own key names (io.forkpool.redis.RedisKeys is package-private, the backend's
     * inside; read here so that a renamed stream or group fails this test, not the cluster).
     */
    private static Object backendKeys(String prefix) throws ReflectiveOperationException {
        var constructor = Class.forName("io.forkpool.redis.RedisKeys").getDeclaredConstructor(String.class);
        constructor.setAccessible(true);
        return constructor.newInstance(prefix);
    }

    private static String call(Object keys, String method) throws ReflectiveOperationException {
        var m = keys.getClass().getDeclaredMethod(method);
        m.setAccessible(true);
        return (String) m.invoke(keys);
    }
}
