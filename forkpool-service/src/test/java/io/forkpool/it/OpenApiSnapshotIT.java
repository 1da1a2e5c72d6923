package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.ops.ProjectFiles;
import io.forkpool.web.Api;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document of the packaged service with the example kind (birthday) installed:
 * it is the committed snapshot {@code docs/openapi.json} (which the generated-client test of
 * module forkpool-openapi-client-it builds its client from), and it says what issue 11 asks of it:
 * a real title, description and version, no {@code *-controller} tags, one schema per installed
 * kind with its required fields and bounds under a {@code type}-discriminated {@code JobRequest},
 * an example per kind, and every response of the job endpoints with a problem body; and what issue
 * 22 asks: a summary and the API-key schemes on every operation, each kind's result schema under a
 * {@code type}-discriminated {@code JobView}, and no error by Redocly's recommended rules.
 *
 * <p>The snapshot is the live document in canonical form: object keys sorted, 2-space indented.
 * Its {@code info.version} is not compared, so a release does not stale it.
 */
class OpenApiSnapshotIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    /** How the snapshot is written: stable key order, so its diffs show what changed. */
    static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private static Process service;
    private static Path log;
    private static Path kindsDir;
    private static Api api;
    /** The live document, canonical. */
    private static ObjectNode live;
    /** Where it is written, in canonical form: what the snapshot must be, and what Redocly lints. */
    private static Path written;
    /** GET /api/v1/kinds: what is installed, by name. */
    private static Map<String, JsonNode> kinds;

    @BeforeAll
    static void startServiceWithTheExampleKind() throws Exception {
        Path jar = existing("forkpool.jar", "the packaged service");
        Path kindJar = existing(
                "forkpool.example.kind.jar", "the example kind's jar (module examples/forkpool-kind-birthday)");
        kindsDir = Files.createTempDirectory("forkpool-openapi-kinds");
        Files.copy(kindJar, kindsDir.resolve(kindJar.getFileName()));
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port = PackagedService.freePort();
        log = jar.getParent().resolve("openapi-snapshot-it.log");
        Files.deleteIfExists(log);
        service = new ProcessBuilder(
                        java,
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--forkpool.kinds.dir=" + kindsDir,
                        "--forkpool.workers.count=1",
                        "--forkpool.workers.spares=0")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        api = new Api(port);
        PackagedService.awaitReady(api, service, log, READY_WITHIN);

        var docs = api.get("/v3/api-docs");
        assertThat(docs.statusCode()).as(docs.body()).isEqualTo(200);
        live = (ObjectNode) Api.parse(docs.body());
        written = jar.getParent().resolve("openapi.json");
        Files.writeString(written, CANONICAL.writeValueAsString(live) + "\n");
        var listed = api.get("/api/v1/kinds");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        kinds = new LinkedHashMap<>();
        for (JsonNode kind : Api.parse(listed.body())) {
            kinds.put(kind.path("name").asString(), kind);
        }
        assertThat(kinds.keySet())
                .as("installed kinds")
                .containsExactlyInAnyOrder("pi", "projectile", "dice", "sine", "smallest-multiple", "birthday");
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (kindsDir != null) {
            try (var files = Files.list(kindsDir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(kindsDir);
        }
    }

    @Test
    void theLiveDocumentIsTheCommittedSnapshot() throws IOException {
        Path root = ProjectFiles.root();
        Path snapshot = root.resolve("docs/openapi.json");
        String refresh = "refresh it with: cp " + root.relativize(written) + " docs/openapi.json "
                + "(the live document, written by this test; review the diff, the generated client is built from it)";
        assertThat(snapshot).as("docs/openapi.json missing; " + refresh).isRegularFile();

        ObjectNode committed = (ObjectNode) Api.parse(Files.readString(snapshot));
        ObjectNode expected = withoutVersion(committed);
        ObjectNode actual = withoutVersion(live);
        if (!expected.equals(actual)) {
            var differences = new ArrayList<String>();
            differences(expected, actual, "", differences);
            throw new AssertionError("docs/openapi.json is not the document of the packaged service with the example "
                    + "kind (info.version aside); differences (JSON pointer: snapshot -> live):\n  "
                    + String.join("\n  ", differences.subList(0, Math.min(30, differences.size())))
                    + (differences.size() > 30 ? "\n  ... " + (differences.size() - 30) + " more" : "")
                    + "\n" + refresh);
        }
        // the canonical form is what is committed, byte for byte (sorted keys, so diffs stay readable)
        assertThat(Files.readString(snapshot))
                .as("docs/openapi.json in canonical form; " + refresh)
                .isEqualTo(Files.readString(written));
    }

    @Test
    void infoIsTheServicesOwn() {
        JsonNode info = live.path("info");
        assertThat(live.path("openapi").asString()).isEqualTo("3.1.0");
        assertThat(info.path("title").asString()).isEqualTo("forkpool");
        assertThat(info.path("description").asString()).contains("job").hasSizeGreaterThan(40);
        String version = System.getProperty("forkpool.version");
        assertThat(version)
                .as("system property forkpool.version (set by failsafe)")
                .isNotBlank();
        assertThat(info.path("version").asString())
                .as("the build's version, from build-info")
                .isEqualTo(version);
    }

    @Test
    void tagsAreNamedAndDescribedNotControllers() {
        var declared = new TreeSet<String>();
        for (JsonNode tag : live.path("tags")) {
            assertThat(tag.path("description").asString())
                    .as("description of tag %s", tag)
                    .isNotBlank();
            declared.add(tag.path("name").asString());
        }
        assertThat(declared).contains("Jobs", "Kinds", "Workers").noneMatch(name -> name.endsWith("-controller"));
        var used = new TreeSet<String>();
        for (var path : live.path("paths").properties()) {
            for (var operation : path.getValue().properties()) {
                assertThat(operation.getValue().path("tags").size())
                        .as("tags of %s %s", operation.getKey(), path.getKey())
                        .isPositive();
                operation.getValue().path("tags").forEach(tag -> used.add(tag.asString()));
            }
        }
        assertThat(declared)
                .as("every tag an operation uses is declared with its description")
                .containsAll(used);
    }

    @Test
    void eachInstalledKindHasItsSchemaUnderTheDiscriminatedJobRequest() {
        JsonNode schemas = live.path("components").path("schemas");
        JsonNode jobRequest = schemas.path("JobRequest");
        assertThat(jobRequest.path("discriminator").path("propertyName").asString())
                .isEqualTo("type");
        var oneOf = new TreeSet<String>();
        jobRequest.path("oneOf").forEach(ref -> oneOf.add(ref.path("$ref").asString()));
        var mapping = new LinkedHashMap<String, String>();
        jobRequest
                .path("discriminator")
                .path("mapping")
                .properties()
                .forEach(e -> mapping.put(e.getKey(), e.getValue().asString()));
        assertThat(mapping.keySet()).as("discriminator values").containsExactlyInAnyOrderElementsOf(kinds.keySet());
        assertThat(oneOf).as("oneOf").containsExactlyInAnyOrderElementsOf(mapping.values());
        JsonNode post = live.path("paths").path("/api/v1/jobs").path("post").path("requestBody");
        assertThat(post.path("required").asBoolean()).isTrue();
        assertThat(post.path("content")
                        .path("application/json")
                        .path("schema")
                        .path("$ref")
                        .asString())
                .isEqualTo("#/components/schemas/JobRequest");

        for (var kind : kinds.entrySet()) {
            String ref = mapping.get(kind.getKey());
            JsonNode schema = schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
            assertThat(schema.isObject())
                    .as("schema %s of kind %s", ref, kind.getKey())
                    .isTrue();
            assertThat(schema.path("properties").path("type").path("enum").toString())
                    .isEqualTo("[\"" + kind.getKey() + "\"]");
            assertThat(schema.path("additionalProperties").asBoolean(true))
                    .as("%s: unknown fields refused", ref)
                    .isFalse();
            // the same fields, required ones and bounds as the kind's own JSON Schema in /api/v1/kinds
            JsonNode own = kind.getValue().path("schema");
            assertThat(strings(schema.path("required")))
                    .as("required of %s", ref)
                    .contains("type")
                    .containsAll(strings(own.path("required")));
            for (var field : own.path("properties").properties()) {
                JsonNode property = schema.path("properties").path(field.getKey());
                assertThat(property.isObject()).as("%s.%s", ref, field.getKey()).isTrue();
                for (String keyword : List.of(
                        "type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "default", "enum")) {
                    if (field.getValue().has(keyword)) {
                        assertThat(number(property.path(keyword)))
                                .as("%s.%s %s", ref, field.getKey(), keyword)
                                .isEqualTo(number(field.getValue().path(keyword)));
                    }
                }
            }
        }
        // and what they are, for two kinds: the built-in pi and the plugin birthday
        JsonNode pi = schemas.path("PiJob");
        assertThat(strings(pi.path("required"))).containsExactlyInAnyOrder("type", "samples");
        assertThat(pi.path("properties").path("samples").path("minimum").asLong())
                .isEqualTo(1);
        assertThat(pi.path("properties").path("samples").path("maximum").asLong())
                .isEqualTo(10_000_000_000_000L);
        JsonNode birthday = schemas.path("BirthdayJob");
        assertThat(strings(birthday.path("required"))).containsExactlyInAnyOrder("type", "trials");
        assertThat(birthday.path("properties").path("people").path("minimum").asInt())
                .isEqualTo(2);
        assertThat(birthday.path("properties").path("people").path("default").asInt())
                .isEqualTo(23);
        assertThat(schemas.path("ProjectileJob")
                        .path("properties")
                        .path("speedMin")
                        .path("exclusiveMinimum")
                        .asInt())
                .isZero();
    }

    @Test
    void eachKindHasAnExampleThatItsSchemaTakes() {
        JsonNode examples = live.path("paths")
                .path("/api/v1/jobs")
                .path("post")
                .path("requestBody")
                .path("content")
                .path("application/json")
                .path("examples");
        assertThat(names(examples)).containsExactlyInAnyOrderElementsOf(kinds.keySet());
        JsonNode schemas = live.path("components").path("schemas");
        for (var kind : kinds.entrySet()) {
            JsonNode example = examples.path(kind.getKey());
            assertThat(example.path("summary").asString())
                    .isEqualTo(kind.getValue().path("description").asString());
            JsonNode value = example.path("value");
            assertThat(value.path("type").asString()).isEqualTo(kind.getKey());
            // the body /api/v1/kinds shows, with its type
            ObjectNode listed = ((ObjectNode) kind.getValue().path("example")).deepCopy();
            listed.put("type", kind.getKey());
            assertThat(value).as("example of %s", kind.getKey()).isEqualTo(listed);
            String ref = live.path("components")
                    .path("schemas")
                    .path("JobRequest")
                    .path("discriminator")
                    .path("mapping")
                    .path(kind.getKey())
                    .asString();
            JsonNode schema = schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
            assertThat(problemsOf(value, schema))
                    .as("example of %s against %s", kind.getKey(), ref)
                    .isEmpty();
        }
    }

    @Test
    void jobEndpointsDescribeEveryResponseWithProblemBodies() {
        JsonNode paths = live.path("paths");
        JsonNode post = paths.path("/api/v1/jobs").path("post").path("responses");
        assertThat(names(post)).containsExactlyInAnyOrder("202", "200", "400", "401", "409", "413", "415", "503");
        for (String ok : List.of("202", "200")) {
            assertThat(post.path(ok)
                            .path("content")
                            .path("application/json")
                            .path("schema")
                            .path("$ref")
                            .asString())
                    .isEqualTo("#/components/schemas/JobView");
        }
        for (String code : List.of("400", "401", "409", "413", "415", "503")) {
            assertProblem(post.path(code), "POST /api/v1/jobs " + code);
        }
        assertProblem(paths.path("/api/v1/jobs").path("get").path("responses").path("400"), "GET /api/v1/jobs 400");
        for (var notFound : Map.of(
                        "/api/v1/jobs/{id}",
                        List.of("get", "delete"),
                        "/api/v1/jobs/{id}/events",
                        List.of("get"),
                        "/api/v1/jobs/{id}/plot.svg",
                        List.of("get"))
                .entrySet()) {
            for (String method : notFound.getValue()) {
                assertProblem(
                        paths.path(notFound.getKey())
                                .path(method)
                                .path("responses")
                                .path("404"),
                        method + " " + notFound.getKey() + " 404");
            }
        }
        assertProblem(
                paths.path("/api/v1/jobs/{id}/plot.svg")
                        .path("get")
                        .path("responses")
                        .path("409"),
                "plot 409");
        JsonNode problem =
                live.path("components").path("schemas").path("Problem").path("properties");
        assertThat(names(problem)).contains("type", "title", "status", "detail", "instance", "errors");
    }

    @Test
    void everyOperationHasASummaryAndTakesAnApiKeyEitherWay() {
        JsonNode schemes = live.path("components").path("securitySchemes");
        assertThat(schemes.path("apiKey").path("type").asString()).isEqualTo("apiKey");
        assertThat(schemes.path("apiKey").path("in").asString()).isEqualTo("header");
        assertThat(schemes.path("apiKey").path("name").asString()).isEqualTo("X-API-Key");
        assertThat(schemes.path("bearer").path("type").asString()).isEqualTo("http");
        assertThat(schemes.path("bearer").path("scheme").asString()).isEqualTo("bearer");
        int operations = 0;
        for (var path : live.path("paths").properties()) {
            for (var operation : path.getValue().properties()) {
                String what = operation.getKey() + " " + path.getKey();
                operations++;
                assertThat(operation.getValue().path("summary").asString())
                        .as("summary of %s", what)
                        .isNotBlank();
                // every path in the document is under /api/v1, which ApiKeyFilter guards: either scheme
                assertThat(operation.getValue().path("security").toString())
                        .as("security of %s", what)
                        .isEqualTo("[{\"apiKey\":[]},{\"bearer\":[]}]");
                assertProblem(operation.getValue().path("responses").path("401"), what + " 401");
            }
        }
        assertThat(operations).as("operations").isGreaterThanOrEqualTo(10);
    }

    @Test
    void aJobsResultIsItsKindsResultSchemaByType() {
        JsonNode schemas = live.path("components").path("schemas");
        JsonNode view = schemas.path("JobView");
        assertThat(view.path("properties").has("result"))
                .as("JobView leaves result to each kind's view")
                .isFalse();
        assertThat(view.path("properties").has("status")).isTrue();
        assertThat(view.path("discriminator").path("propertyName").asString()).isEqualTo("type");
        JsonNode mapping = view.path("discriminator").path("mapping");
        assertThat(names(mapping)).containsExactlyInAnyOrderElementsOf(kinds.keySet());
        for (String kind : kinds.keySet()) {
            String name = mapping.path(kind).asString().replace("#/components/schemas/", "");
            JsonNode allOf = schemas.path(name).path("allOf");
            assertThat(allOf.path(0).path("$ref").asString())
                    .as("%s extends JobView", name)
                    .isEqualTo("#/components/schemas/JobView");
            JsonNode result = allOf.path(1).path("properties").path("result").path("oneOf");
            assertThat(result.path(1).path("type").asString())
                    .as("%s: result null until SUCCEEDED", name)
                    .isEqualTo("null");
            String resultName = result.path(0).path("$ref").asString().replace("#/components/schemas/", "");
            assertThat(schemas.path(resultName).path("type").asString())
                    .as("%s's result %s", name, resultName)
                    .isEqualTo("object");
        }
        // what they are, from the result records: a built-in kind, one with nested records, the plugin
        assertThat(typesOf(schemas.path("PiResult")))
                .isEqualTo(Map.of(
                        "estimate",
                        "number",
                        "inside",
                        "integer",
                        "samples",
                        "integer",
                        "stdError",
                        "number",
                        "ci95",
                        "array",
                        "exact",
                        "number"));
        // a kind with partial results types its partialResult with its own result schema, and its
        // body's until with its precision fields (issue 21)
        JsonNode piPartial = schemas.path("PiJobView")
                .path("allOf")
                .path(1)
                .path("properties")
                .path("partialResult");
        assertThat(piPartial.path("properties").path("result").path("$ref").asString())
                .isEqualTo("#/components/schemas/PiResult");
        assertThat(piPartial.path("properties").path("samples").path("type").asString())
                .isEqualTo("integer");
        JsonNode until = schemas.path("PiJob").path("properties").path("until");
        assertThat(names(until.path("properties"))).containsExactly("stdError");
        assertThat(until.path("maxProperties").asInt()).isEqualTo(1);
        assertThat(schemas.path("SineJob").path("properties").has("until"))
                .as("a kind without precision fields takes no until")
                .isFalse();
        assertThat(schemas.path("PiResult")
                        .path("properties")
                        .path("ci95")
                        .path("items")
                        .path("type")
                        .asString())
                .isEqualTo("number");
        assertThat(schemas.path("ProjectileResult")
                        .path("properties")
                        .path("bins")
                        .path("items")
                        .path("$ref")
                        .asString())
                .isEqualTo("#/components/schemas/ProjectileResultBin");
        assertThat(typesOf(schemas.path("ProjectileResultBin")))
                .isEqualTo(Map.of("from", "number", "to", "number", "count", "integer"));
        assertThat(schemas.path("SmallestMultipleResult")
                        .path("properties")
                        .path("smallest")
                        .path("type")
                        .toString())
                .as("a boxed component may be null")
                .isEqualTo("[\"integer\",\"null\"]");
        assertThat(typesOf(schemas.path("BirthdayResult")))
                .isEqualTo(Map.of(
                        "probability",
                        "number",
                        "shared",
                        "integer",
                        "trials",
                        "integer",
                        "stdError",
                        "number",
                        "ci95",
                        "array",
                        "exact",
                        "number"));
    }

    @Test
    void theResultOfEachKindsExampleIsWhatItsSchemaSays() {
        JsonNode schemas = live.path("components").path("schemas");
        for (var kind : kinds.entrySet()) {
            ObjectNode body = ((ObjectNode) kind.getValue().path("example")).deepCopy();
            body.put("type", kind.getKey());
            JsonNode job = api.runToSuccess(body.toString());
            String view = live.path("components")
                    .path("schemas")
                    .path("JobView")
                    .path("discriminator")
                    .path("mapping")
                    .path(job.path("type").asString())
                    .asString();
            JsonNode result = schemas.path(view.replace("#/components/schemas/", ""))
                    .path("allOf")
                    .path(1)
                    .path("properties")
                    .path("result");
            var problems = new ArrayList<String>();
            conforms(job.path("result"), result, schemas, "result", problems);
            assertThat(problems)
                    .as("%s: %s against %s", kind.getKey(), job.path("result"), view)
                    .isEmpty();
        }
    }

    @Test
    void redoclysRecommendedRulesFindNoError() throws Exception {
        Path lint = ProjectFiles.file("forkpool-service/src/test/openapi-lint");
        Path cli = lint.resolve("node_modules/@redocly/cli/bin/cli.js");
        assertThat(cli)
                .as("Redocly CLI: run .ci/setup (npm ci --prefix forkpool-service/src/test/openapi-lint)")
                .isRegularFile();
        Path report = written.resolveSibling("openapi-lint.json");
        Path stderr = written.resolveSibling("openapi-lint.log");
        var lintRun = new ProcessBuilder(
                        "node", cli.toString(), "lint", "--extends=recommended", "--format=json", written.toString())
                .redirectOutput(report.toFile())
                .redirectError(stderr.toFile());
        // no telemetry and no update check: the build talks to no one
        lintRun.environment().put("REDOCLY_TELEMETRY", "off");
        lintRun.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        Process process = lintRun.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("redocly lint within 2 min")
                .isTrue();
        JsonNode result = Api.parse(Files.readString(report));
        var found = new ArrayList<String>();
        for (JsonNode problem : result.path("problems")) {
            found.add(problem.path("severity").asString() + " "
                    + problem.path("ruleId").asString() + " at "
                    + problem.path("location").path(0).path("pointer").asString() + ": "
                    + problem.path("message").asString());
        }
        assertThat(result.path("totals").path("errors").asInt(-1))
                .as("Redocly errors (report %s):\n%s\n%s", report, String.join("\n", found), Files.readString(stderr))
                .isZero();
        assertThat(process.exitValue())
                .as("redocly's exit code; %s", Files.readString(stderr))
                .isZero();
        // the one warning left is on purpose: the repository states no license to name (docs/design.md)
        assertThat(found)
                .as("Redocly warnings")
                .containsExactly("warn info-license at #/info: " + "Info object should contain `license` field.");
    }

    // ---------------------------------------------------------------- helpers

    private static void assertProblem(JsonNode response, String what) {
        assertThat(response.path("description").asString())
                .as("%s: description", what)
                .isNotBlank();
        assertThat(names(response.path("content")))
                .as("%s: media types", what)
                .containsExactly("application/problem+json");
        assertThat(response.path("content")
                        .path("application/problem+json")
                        .path("schema")
                        .path("$ref")
                        .asString())
                .as("%s: schema", what)
                .isEqualTo("#/components/schemas/Problem");
    }

    /** What the schema of one kind has against this body: unknown fields, missing required ones, out of bounds. */
    private static List<String> problemsOf(JsonNode body, JsonNode schema) {
        var problems = new ArrayList<String>();
        for (JsonNode required : schema.path("required")) {
            if (!body.has(required.asString())) {
                problems.add(required.asString() + " missing");
            }
        }
        for (var field : body.properties()) {
            JsonNode property = schema.path("properties").path(field.getKey());
            JsonNode value = field.getValue();
            if (property.isMissingNode()) {
                problems.add(field.getKey() + " is not a field");
                continue;
            }
            switch (property.path("type").asString()) {
                case "integer" -> {
                    if (!value.isIntegralNumber()) {
                        problems.add(field.getKey() + " not an integer: " + value);
                    }
                }
                case "number" -> {
                    if (!value.isNumber()) {
                        problems.add(field.getKey() + " not a number: " + value);
                    }
                }
                case "string" -> {
                    if (!value.isString()) {
                        problems.add(field.getKey() + " not a string: " + value);
                    }
                }
                default -> problems.add(field.getKey() + " of unexpected type " + property.path("type"));
            }
            if (property.has("enum") && !strings(property.path("enum")).contains(value.asString())) {
                problems.add(field.getKey() + " not in " + property.path("enum"));
            }
            if (value.isNumber()) {
                BigDecimal n = value.decimalValue();
                if (property.has("minimum")
                                && n.compareTo(property.path("minimum").decimalValue()) < 0
                        || property.has("maximum")
                                && n.compareTo(property.path("maximum").decimalValue()) > 0
                        || property.has("exclusiveMinimum")
                                && n.compareTo(property.path("exclusiveMinimum").decimalValue()) <= 0
                        || property.has("exclusiveMaximum")
                                && n.compareTo(property.path("exclusiveMaximum").decimalValue()) >= 0) {
                    problems.add(field.getKey() + " = " + value + " out of bounds of " + property);
                }
            }
        }
        return problems;
    }

    private static ObjectNode withoutVersion(ObjectNode document) {
        ObjectNode copy = document.deepCopy();
        if (copy.path("info") instanceof ObjectNode info) {
            info.remove("version");
        }
        return copy;
    }

    /** JSON pointers where two documents differ, with both values (shortened). */
    private static void differences(JsonNode expected, JsonNode actual, String at, List<String> out) {
        if (expected.equals(actual)) {
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            var keys = new TreeSet<String>(names(expected));
            keys.addAll(names(actual));
            for (String key : keys) {
                differences(
                        expected.path(key),
                        actual.path(key),
                        at + "/" + key.replace("~", "~0").replace("/", "~1"),
                        out);
            }
        } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                differences(expected.get(i), actual.get(i), at + "/" + i, out);
            }
        } else {
            out.add(at + ": " + shorten(expected) + " -> " + shorten(actual));
        }
    }

    private static String shorten(JsonNode node) {
        String text = node.isMissingNode() ? "(absent)" : node.toString();
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }

    /** Each property's JSON type (the first, for a nullable one). */
    private static Map<String, String> typesOf(JsonNode schema) {
        var types = new LinkedHashMap<String, String>();
        for (var property : schema.path("properties").properties()) {
            JsonNode type = property.getValue().path("type");
            types.put(property.getKey(), type.isArray() ? type.path(0).asString() : type.asString());
        }
        assertThat(new TreeSet<>(strings(schema.path("required"))))
                .as("every component required: Jackson writes them all")
                .isEqualTo(new TreeSet<>(types.keySet()));
        return types;
    }

    /** What {@code value} has against {@code schema}: the keywords the result schemas use, nothing more. */
    private static void conforms(JsonNode value, JsonNode schema, JsonNode schemas, String at, List<String> out) {
        if (schema.has("$ref")) {
            conforms(
                    value,
                    schemas.path(schema.path("$ref").asString().replace("#/components/schemas/", "")),
                    schemas,
                    at,
                    out);
            return;
        }
        if (schema.has("oneOf")) {
            int matches = 0;
            for (JsonNode option : schema.path("oneOf")) {
                var problems = new ArrayList<String>();
                conforms(value, option, schemas, at, problems);
                matches += problems.isEmpty() ? 1 : 0;
            }
            if (matches != 1) {
                out.add(at + ": " + matches + " of oneOf match " + value);
            }
            return;
        }
        List<String> types = schema.path("type").isArray()
                ? strings(schema.path("type"))
                : List.of(schema.path("type").asString());
        String actual = value.isNull()
                ? "null"
                : value.isIntegralNumber()
                        ? "integer"
                        : value.isNumber()
                                ? "number"
                                : value.isString()
                                        ? "string"
                                        : value.isBoolean() ? "boolean" : value.isArray() ? "array" : "object";
        if (!types.contains(actual) && !(actual.equals("integer") && types.contains("number"))) {
            out.add(at + ": " + actual + " is not " + types);
            return;
        }
        if (value.isObject()) {
            for (String required : strings(schema.path("required"))) {
                if (!value.has(required)) {
                    out.add(at + "." + required + " missing");
                }
            }
            for (var field : value.properties()) {
                JsonNode property = schema.path("properties").path(field.getKey());
                if (property.isMissingNode()) {
                    out.add(at + "." + field.getKey() + " is not in the schema");
                } else {
                    conforms(field.getValue(), property, schemas, at + "." + field.getKey(), out);
                }
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                conforms(value.get(i), schema.path("items"), schemas, at + "[" + i + "]", out);
            }
        }
    }

    private static List<String> names(JsonNode object) {
        var names = new ArrayList<String>();
        object.properties().forEach(e -> names.add(e.getKey()));
        return names;
    }

    private static List<String> strings(JsonNode array) {
        var strings = new ArrayList<String>();
        array.forEach(node -> strings.add(node.asString()));
        return strings;
    }

    /** A value compared as JSON: numbers by their value (1 and 1.0 alike), anything else as it is. */
    private static Object number(JsonNode node) {
        return node.isNumber() ? node.decimalValue().stripTrailingZeros() : node;
    }

    private static Path existing(String property, String what) {
        String value = System.getProperty(property);
        assertThat(value)
                .as("system property %s (set by failsafe): %s", property, what)
                .isNotBlank();
        Path path = Path.of(value).toAbsolutePath();
        assertThat(path)
                .as("%s (build the reactor first: ./mvnw -B -ntp -DskipTests package)", what)
                .isRegularFile();
        return path;
    }
}
