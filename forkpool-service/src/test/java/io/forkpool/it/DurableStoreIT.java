package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.web.Api;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The packaged service on the durable default, stopped the hard ways on one data folder: SIGKILL at
 * random moments under a flood of jobs, SIGKILL half-way through a large job, SIGTERM mid-job. Every
 * job answered 202 is there after the restart and ends with the result a fault-free run gives.
 */
class DurableStoreIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    /** Takes about 5 s on 2 workers (8.5 G samples/s, docs/benchmarks.md): long enough to stop half-way. */
    private static final String LARGE = "{\"type\":\"pi\",\"samples\":40000000000,\"seed\":11}";

    @TempDir
    Path data;

    /** One start of the packaged service on {@link #data}. */
    private final class Service implements AutoCloseable {
        final Process process;
        final Api api;
        final Path log;

        Service(String name, String... extra) throws Exception {
            String java = ProcessHandle.current().info().command().orElseThrow();
            int port = PackagedService.freePort();
            log = Path.of(System.getProperty("forkpool.jar")).getParent().resolve("durable-it-" + name + ".log");
            var command = new ArrayList<>(List.of(
                    java,
                    "-Dspring.aot.enabled=true", // as operators run it: the faster start, 20 times over
                    "-jar",
                    System.getProperty("forkpool.jar"),
                    "--server.port=" + port,
                    "--server.address=127.0.0.1",
                    "--forkpool.workers.count=2",
                    "--forkpool.warmup.enabled=false",
                    "--forkpool.store.dir=" + data));
            command.addAll(List.of(extra));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .start();
            api = new Api("http://127.0.0.1:" + port);
        }

        Service ready() throws Exception {
            PackagedService.awaitReady(api, process, log, READY_WITHIN);
            return this;
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(10, TimeUnit.SECONDS))
                    .as("dead after SIGKILL")
                    .isTrue();
        }

        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static JsonNode job(Api api, String id) {
        var response = api.get("/api/v1/jobs/" + id);
        assertThat(response.statusCode())
                .as("GET job %s: %s", id, response.body())
                .isEqualTo(200);
        return Api.parse(response.body());
    }

    private static JsonNode awaitEnd(Api api, String id, Duration within) {
        var last = new JsonNode[1];
        await("job " + id + " ended")
                .atMost(within)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    last[0] = job(api, id);
                    return List.of("SUCCEEDED", "FAILED", "CANCELLED")
                            .contains(last[0].path("status").asString());
                });
        return last[0];
    }

    private static String submit(Api api, String body) {
        var response = api.post("/api/v1/jobs", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Api.parse(response.body()).path("id").asString();
    }

    private static int shardsDone(JsonNode job) {
        return job.path("progress").path("shardsDone").intValue();
    }

    @Test
    void aLargeJobKilledHalfWayGoesOnFromWhereItWasToTheSameResult() throws Exception {
        String id;
        int before;
        try (var first = new Service("killed-half-way").ready()) {
            id = submit(first.api, LARGE);
            int total = job(first.api, id).path("progress").path("shardsTotal").intValue();
            await("a third of the shards merged")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> shardsDone(job(first.api, id)) >= total / 3);
            before = shardsDone(job(first.api, id));
            first.kill();
        }
        try (var second = new Service("killed-half-way-restart").ready()) {
            JsonNode resumed = job(second.api, id);
            assertThat(shardsDone(resumed))
                    .as("shards done at the restart, %d before the kill", before)
                    .isGreaterThanOrEqualTo(before);
            JsonNode ended = awaitEnd(second.api, id, Duration.ofSeconds(120));
            assertThat(ended.path("status").asString()).as(ended.toString()).isEqualTo("SUCCEEDED");
            JsonNode faultFree = second.api.runToSuccess(LARGE.replace("}", ",\"timeoutSeconds\":120}"));
            assertThat(ended.path("result")).isEqualTo(faultFree.path("result"));
        }
    }

    @Test
    void sigtermLeavesARunningJobRunningAndItResumesToTheSameResult() throws Exception {
        String id;
        try (var first = new Service("sigterm", "--forkpool.jobs.shutdown-grace=1s").ready()) {
            id = submit(first.api, LARGE);
            await("the job RUNNING with shards merged")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> shardsDone(job(first.api, id)) >= 2);
            first.process.destroy(); // SIGTERM
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS))
                    .as("exited after SIGTERM")
                    .isTrue();
            assertThat(Files.readString(first.log)).contains("stay RUNNING in the store");
        }
        try (var second = new Service("sigterm-restart").ready()) {
            JsonNode resumed = job(second.api, id);
            assertThat(resumed.path("status").asString())
                    .as("not failed by the shutdown")
                    .isIn("RUNNING", "SUCCEEDED");
            JsonNode ended = awaitEnd(second.api, id, Duration.ofSeconds(120));
            assertThat(ended.path("status").asString()).as(ended.toString()).isEqualTo("SUCCEEDED");
            JsonNode faultFree = second.api.runToSuccess(LARGE.replace("}", ",\"timeoutSeconds\":120}"));
            assertThat(ended.path("result")).isEqualTo(faultFree.path("result"));
        }
    }

    @Test
    void aSecondServiceOnTheSameFolderRefusesToStart() throws Exception {
        try (var first = new Service("owner").ready();
                var second = new Service("intruder")) {
            assertThat(second.process.waitFor(60, TimeUnit.SECONDS))
                    .as("the second exits")
                    .isTrue();
            assertThat(second.process.exitValue()).isNotZero();
            assertThat(Files.readString(second.log))
                    .contains("in use by another forkpool service")
                    .contains(data.toAbsolutePath().resolve("forkpool.lock").toString());
            assertThat(first.process.isAlive()).isTrue();
        }
    }

    /**
     * A flood of mixed jobs, the service SIGKILLed at a random moment (seeded), 20 times on one
     * folder: every job answered 202 exists after the restarts and ends with its body's fault-free
     * result, each shard merged once.
     */
    @Test
    void twentySigkillsUnderAFloodLoseNoAcceptedJob() throws Exception {
        List<String> bodies = List.of(
                "{\"type\":\"pi\",\"samples\":1000000000,\"seed\":1}",
                "{\"type\":\"dice\",\"rolls\":2000000000,\"faces\":6,\"seed\":2}",
                "{\"type\":\"projectile\",\"samples\":100000000,\"seed\":3}",
                "{\"type\":\"sine\",\"x\":0.5,\"terms\":12}",
                "{\"type\":\"smallest-multiple\",\"samples\":100000000,\"factor\":7,\"seed\":4}",
                "{\"type\":\"pi\",\"samples\":100000,\"seed\":5}");
        var accepted = new ConcurrentHashMap<String, Integer>(); // job id -> body
        var random = new Random(20261207L);
        for (int cycle = 0; cycle < 20; cycle++) {
            try (var service = new Service("crash-" + cycle).ready()) {
                var flooding = new AtomicBoolean(true);
                var threads = new ArrayList<Thread>();
                for (int t = 0; t < 2; t++) {
                    long seed = random.nextLong();
                    // the first client leaves up to 12 jobs queued per cycle (202), then waits for each
                    // as the other does (?wait): the backlog the restarts inherit stays bounded
                    int unawaited = t == 0 ? 12 : 0;
                    threads.add(Thread.ofPlatform().start(() -> {
                        var pick = new Random(seed);
                        int sent = 0;
                        while (flooding.get()) {
                            int b = pick.nextInt(bodies.size());
                            String path = sent++ < unawaited ? "/api/v1/jobs" : "/api/v1/jobs?wait=10";
                            HttpResponse<String> response;
                            try {
                                response = service.api.post(path, bodies.get(b));
                            } catch (RuntimeException killed) {
                                return; // the service died under this request: it was never answered
                            }
                            if (response.statusCode() == 202 || response.statusCode() == 200) {
                                accepted.put(
                                        Api.parse(response.body()).path("id").asString(), b);
                            }
                        }
                    }));
                }
                Thread.sleep(300 + random.nextInt(1700)); // the kill's random moment, not a wait for a state
                service.kill();
                flooding.set(false);
                for (Thread t : threads) {
                    t.join(10_000);
                }
            }
        }
        assertThat(accepted).as("jobs accepted over the cycles").hasSizeGreaterThan(40);
        try (var last = new Service("crash-final").ready()) {
            var ended = new HashMap<String, JsonNode>();
            for (String id : accepted.keySet()) {
                ended.put(id, awaitEnd(last.api, id, Duration.ofSeconds(300)));
            }
            // the fault-free results, once the backlog the restarts left is done
            Map<Integer, JsonNode> faultFree = new HashMap<>();
            for (int b = 0; b < bodies.size(); b++) {
                faultFree.put(b, last.api.runToSuccess(bodies.get(b)).path("result"));
            }
            for (var entry : accepted.entrySet()) {
                JsonNode job = ended.get(entry.getKey());
                assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
                assertThat(shardsDone(job))
                        .as("each shard merged once")
                        .isEqualTo(job.path("progress").path("shardsTotal").intValue());
                assertThat(job.path("result"))
                        .as("job %s, body %s", entry.getKey(), bodies.get(entry.getValue()))
                        .isEqualTo(faultFree.get(entry.getValue()));
            }
        }
    }
}
