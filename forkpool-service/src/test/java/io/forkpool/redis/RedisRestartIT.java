package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.web.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The guarantee of docs/design.md ("Redis restart"): Redis with its append-only file fsynced on
 * every write ({@code appendonly yes}, {@code appendfsync always}, as k8s/overlays/redis runs it)
 * is SIGKILLed while three jobs run on two replicas of the packaged jar, the last one answered 202
 * a moment before. While it is away: POST, GET of a job and the list answer 503 problem+json with
 * Retry-After, readiness is DOWN on both, what needs no Redis (kinds, workers, liveness) answers.
 * Restarted on its file: both replicas are ready again by themselves (no restart), every job
 * answered 202 before the crash finishes with the fault-free result, a job that had finished is
 * still there. Prints the figures of docs/benchmarks.md.
 */
class RedisRestartIT {

    static final String BODY = "{\"type\":\"pi\",\"samples\":3000000000,\"seed\":15}";
    static final Duration SHARD_TIMEOUT = Duration.ofSeconds(5);

    final List<AutoCloseable> open = new ArrayList<>();

    @Test
    void everyJobAcceptedBeforeARedisCrashFinishesWithItsFaultFreeResult() throws Exception {
        Path dir = Files.createTempDirectory("forkpool-redis-aof-");
        TestRedis redis = TestRedis.startDurable(dir);
        open.add(redis); // closed last, after the replicas
        var replicas = new ArrayList<Replica>();
        for (int i = 1; i <= 2; i++) {
            var replica = Replica.start(
                    "restart-replica-" + i, List.of(), "127.0.0.1", redis.host(), redis.port(), SHARD_TIMEOUT);
            open.add(replica);
            replicas.add(replica);
        }
        for (var replica : replicas) {
            replica.awaitReady(Duration.ofSeconds(120));
        }
        Replica one = replicas.get(0);
        Replica two = replicas.get(1);

        JsonNode faultFree = one.run(BODY, Duration.ofMinutes(3));
        int total = faultFree.path("progress").path("shardsTotal").intValue();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            ids.add(replicas.get(i % 2).post(BODY));
        }
        await("the first job under way")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(20))
                .failFast(
                        "the last job ended before the crash",
                        () -> two.job(ids.get(2)).path("status").asString().equals("SUCCEEDED"))
                .until(() ->
                        one.job(ids.get(0)).path("progress").path("shardsDone").intValue() >= 2);
        redis.kill(); // SIGKILL
        long killedAt = System.nanoTime();

        // -- Redis away
        for (var replica : replicas) {
            await(replica.name + " not ready while Redis is away")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !replica.ready());
        }
        double downAfter = (System.nanoTime() - killedAt) / 1e9;
        var refused = one.api.post("/api/v1/jobs", BODY);
        assertUnavailable(refused);
        assertUnavailable(two.api.get("/api/v1/jobs/" + ids.get(0)));
        assertUnavailable(one.api.get("/api/v1/jobs"));
        assertThat(one.api.get("/api/v1/kinds").statusCode())
                .as("kinds need no Redis")
                .isEqualTo(200);
        assertThat(two.api.get("/api/v1/workers").statusCode())
                .as("workers need no Redis")
                .isEqualTo(200);
        assertThat(two.api.get("/actuator/health/liveness").statusCode())
                .as("alive all the same")
                .isEqualTo(200);

        // -- back on its append-only file
        redis.restart();
        long restartedAt = System.nanoTime();
        for (var replica : replicas) {
            replica.awaitReady(Duration.ofSeconds(60));
        }
        double readyAfter = (System.nanoTime() - restartedAt) / 1e9;
        for (String id : ids) { // without the file they are gone: 404 (tried: appendonly no fails here)
            var found = two.api.get("/api/v1/jobs/" + id);
            assertThat(found.statusCode())
                    .as("job %s, answered 202 before the crash, after it: %s", id, found.body())
                    .isEqualTo(200);
        }
        for (String id : ids) {
            JsonNode job = one.awaitEnd(id, Duration.ofMinutes(3));
            assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.path("result"))
                    .as("job %s: the fault-free result", id)
                    .isEqualTo(faultFree.path("result"));
            assertThat(job.path("progress").path("shardsDone").intValue()).isEqualTo(total);
        }
        double doneAfter = (System.nanoTime() - restartedAt) / 1e9;
        JsonNode before = two.job(faultFree.path("id").asString());
        assertThat(before.path("result")).as("a job finished before the crash").isEqualTo(faultFree.path("result"));
        for (var replica : replicas) {
            assertThat(replica.process.isAlive())
                    .as(replica.name + " never restarted")
                    .isTrue();
            assertThat(replica.run("{\"type\":\"pi\",\"samples\":1000000}", Duration.ofMinutes(1))
                            .path("status")
                            .asString())
                    .isEqualTo("SUCCEEDED");
        }
        String figures = String.format(
                "Redis SIGKILLed with 3 jobs of %d shards in flight (appendfsync always): "
                        + "readiness DOWN on both replicas within %.2f s; restarted on its AOF: both ready %.2f s later, "
                        + "the 3 jobs done %.2f s later (shard timeout %s + 1 s)%n",
                total, downAfter, readyAfter, doneAfter, SHARD_TIMEOUT);
        System.out.print(figures);
        Files.writeString(Replica.jar().getParent().resolve("redis-restart-figures.md"), figures);
    }

    private static void assertUnavailable(java.net.http.HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(answer.headers().firstValue("Retry-After")).as("Retry-After").isPresent();
        assertThat(Api.parse(answer.body()).path("reason").asString()).isEqualTo("store_unavailable");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }
}
