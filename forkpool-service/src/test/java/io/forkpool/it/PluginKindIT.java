package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.KindRegistry;
import io.forkpool.plugin.RequestFields;
import io.forkpool.web.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The example kind (examples/forkpool-kind-birthday), packaged as an operator gets it and put in a
 * packaged service's forkpool.kinds.dir: it is listed with its schema and example, it is in the
 * OpenAPI document Swagger UI shows, and its jobs give the same result on 1 worker, on 2 workers,
 * and on 2 workers one of which is SIGKILLed mid-job, as computed in this JVM from the same jar.
 */
class PluginKindIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    /** About 77 shards of ~30 ms: long enough to kill a worker that holds one. */
    private static final String JOB =
            "{\"type\":\"birthday\",\"trials\":20000000,\"people\":23,\"days\":365,\"seed\":2026}";

    @TempDir
    Path kinds;

    @Test
    void anInstalledKindIsListedDocumentedAndRunsTheSameOnOneTwoAndFaultyWorkers() throws Exception {
        Path example = Path.of(System.getProperty("forkpool.example.kind.jar", ""));
        assertThat(example)
                .as("the example kind's jar (system property forkpool.example.kind.jar)")
                .isRegularFile();
        Files.copy(example, kinds.resolve(example.getFileName()));
        JsonNode reference = referenceResult();

        JsonNode onOne;
        try (var service = start(1)) {
            JsonNode listed = Api.parse(service.api.get("/api/v1/kinds").body());
            JsonNode birthday = null;
            for (JsonNode kind : listed) {
                if (kind.path("name").asString().equals("birthday")) {
                    birthday = kind;
                }
            }
            assertThat(birthday).as("birthday in %s", listed).isNotNull();
            assertThat(birthday.path("source").asString())
                    .isEqualTo(example.getFileName().toString());
            assertThat(birthday.path("schema").path("required").toString()).isEqualTo("[\"type\",\"trials\"]");
            assertThat(birthday.path("schema")
                            .path("properties")
                            .path("people")
                            .path("default")
                            .asInt())
                    .isEqualTo(23);
            var exampleJob = service.api.post(
                    "/api/v1/jobs?wait=60", birthday.path("example").toString());
            assertThat(exampleJob.statusCode()).as(exampleJob.body()).isEqualTo(200);

            JsonNode docs = Api.parse(service.api.get("/v3/api-docs").body());
            assertThat(docs.path("components").path("schemas").has("BirthdayJob"))
                    .isTrue();
            assertThat(docs.path("paths")
                            .path("/api/v1/jobs")
                            .path("post")
                            .path("requestBody")
                            .path("content")
                            .path("application/json")
                            .path("examples")
                            .has("birthday"))
                    .isTrue();
            assertThat(service.api.get("/swagger-ui/index.html").statusCode()).isEqualTo(200);

            var invalid = service.api.post("/api/v1/jobs", "{\"type\":\"birthday\",\"trials\":10,\"people\":1}");
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(invalid.body()).contains("\"field\":\"people\"").contains("must be between 2 and 10000");

            onOne = succeeded(service.api.post("/api/v1/jobs?wait=60", JOB));
        }
        assertThat(text(onOne.path("result"))).as("1 worker vs this JVM").isEqualTo(text(reference));

        try (var service = start(2)) {
            JsonNode onTwo = succeeded(service.api.post("/api/v1/jobs?wait=60", JOB));
            assertThat(text(onTwo.path("result"))).as("2 workers").isEqualTo(text(reference));

            var posted = service.api.post("/api/v1/jobs", JOB);
            assertThat(posted.statusCode()).isEqualTo(202);
            String id = Api.parse(posted.body()).path("id").asString();
            long victim = busyWorker(service.api);
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            JsonNode afterKill = awaitEnd(service.api, id);
            assertThat(afterKill.path("status").asString())
                    .as(afterKill.toString())
                    .isEqualTo("SUCCEEDED");
            assertThat(text(afterKill.path("result")))
                    .as("2 workers, one SIGKILLed mid-job")
                    .isEqualTo(text(reference));
            assertThat(service.api.get("/actuator/prometheus").body())
                    .as("the kill was seen: a worker restarted after a crash")
                    .containsPattern("forkpool_workers_restarts_total\\{[^}]*reason=\"crash\"[^}]*} [1-9]");
        }
    }

    /** The job's result computed here, shard by shard, from the same jar. */
    private JsonNode referenceResult() {
        var registry = KindRegistry.load(kinds);
        var kind = registry.find("birthday").orElseThrow();
        JobRequest request = new io.forkpool.catalog.RequestBinder(
                        registry,
                        Api.JSON,
                        jakarta.validation.Validation.buildDefaultValidatorFactory()
                                .getValidator(),
                        TestJobs.MAX_UNITS)
                .bind((ObjectNode) Api.parse(JOB))
                .withSeed(0);
        assertThat(request.kind()).isSameAs(kind);
        assertThat(RequestFields.asMap(request.params())).containsEntry("trials", 20_000_000L);
        return Api.JSON.valueToTree(request.finish(TestJobs.reference(request)));
    }

    /** As JSON text: exact, and blind to whether a tree holds 1 as an int or a long. */
    private static String text(JsonNode node) {
        return Api.JSON.writeValueAsString(node);
    }

    private static JsonNode succeeded(java.net.http.HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode job = Api.parse(response.body());
        assertThat(job.path("status").asString()).as(response.body()).isEqualTo("SUCCEEDED");
        return job;
    }

    /** The pid of a worker busy with a shard (bounded wait). */
    private static long busyWorker(Api api) {
        return org.awaitility.Awaitility.await("a worker busy with a shard")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(5))
                .until(
                        () -> {
                            for (JsonNode worker :
                                    Api.parse(api.get("/api/v1/workers").body())) {
                                if (worker.path("state").asString().equals("busy")) {
                                    return worker.path("pid").asLong();
                                }
                            }
                            return -1L;
                        },
                        pid -> pid > 0);
    }

    private static JsonNode awaitEnd(Api api, String id) {
        return org.awaitility.Awaitility.await("job " + id + " ended")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> Api.parse(api.get("/api/v1/jobs/" + id).body()),
                        job -> !job.path("status").asString().matches("QUEUED|RUNNING"));
    }

    /** A packaged service with the kinds dir and {@code workers} workers; closing it stops it and its workers. */
    private Started start(int workers) throws Exception {
        Path jar = Path.of(System.getProperty("forkpool.jar", "")).toAbsolutePath();
        assertThat(jar).as("packaged jar (system property forkpool.jar)").isRegularFile();
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port = PackagedService.freePort();
        Path log = jar.getParent().resolve("plugin-kind-it-" + workers + ".log");
        Process process = new ProcessBuilder(List.of(
                        java,
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--forkpool.workers.count=" + workers,
                        "--forkpool.workers.spares=0",
                        "--forkpool.kinds.dir=" + kinds))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        var started = new Started(process, new Api(port));
        try {
            PackagedService.awaitReady(started.api, process, log, READY_WITHIN);
        } catch (Throwable e) {
            started.close();
            throw e;
        }
        return started;
    }

    private record Started(Process process, Api api) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            var children = process.toHandle().descendants().toList();
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
