package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.kind.JobResult;
import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
import io.forkpool.redis.TestRedis;
import io.forkpool.web.Api;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Three replicas of the packaged jar on loopback sharing one real Redis, one worker each: a job
 * posted to one replica is computed by the workers of all of them, with exactly the result of the
 * kernel run in this JVM; an Idempotency-Key names one job on every replica; then one replica is
 * SIGKILLed while it holds shards (Redis says so) and the job still ends with that same result,
 * those shards reclaimed by the others (their metric says so); last, a job's deadline is kept
 * after the replica that accepted it is SIGKILLed. Prints the figures of docs/benchmarks.md.
 */
class RedisReplicasIT {

    static final long SAMPLES = Long.getLong("forkpool.it.samples", 1_000_000_000L);
    static final long SEED = 20_26L;
    static final long KILL_SAMPLES = Long.getLong("forkpool.it.kill-samples", 20_000_000_000L);
    // Short enough for a quick reclaim, long enough for a first shard on a loaded 2-core machine.
    static final Duration SHARD_TIMEOUT = Duration.ofSeconds(8);

    final List<Process> replicas = new ArrayList<>();
    final List<Api> apis = new ArrayList<>();

    @Test
    void aJobIsSharedByAllReplicasAndSurvivesOneBeingKilled() throws Exception {
        Path jar = Path.of(System.getProperty("forkpool.jar", "")).toAbsolutePath();
        assertThat(jar).as("packaged jar (system property forkpool.jar)").isRegularFile();
        JobRequest request = TestJobs.pi(SAMPLES, SEED);
        String body = "{\"type\":\"pi\",\"samples\":" + SAMPLES + ",\"seed\":" + SEED + "}";

        long t0 = System.nanoTime();
        Object merged = TestJobs.reference(request);
        var reference = (JobResult.PiResult) request.finish(merged);
        System.out.printf(
                "reference in this JVM: %d shards in %.1f s, inside=%d%n",
                request.shardCount(), (System.nanoTime() - t0) / 1e9, reference.inside());

        try (TestRedis redis = TestRedis.start()) {
            var figures = new StringBuilder("| replicas | job latency (s) | shards/s |\n|---|---|---|\n");
            for (int n = 1; n <= 3; n++) {
                start(jar, redis, n - 1);
                long[] before = shardsPerReplica();
                JsonNode job = run(apis.get(0), body, Duration.ofMinutes(5));
                long[] after = shardsPerReplica();
                assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
                assertThat(job.path("result").path("inside").longValue())
                        .as("same as the kernel in this JVM")
                        .isEqualTo(reference.inside());
                assertThat(job.path("result").path("estimate").doubleValue()).isEqualTo(reference.estimate());
                double latency = seconds(job);
                long[] share = new long[n];
                for (int r = 0; r < n; r++) {
                    share[r] = after[r] - before[r];
                }
                System.out.printf(
                        "%d replica(s): %.2f s, %.1f shards/s, shards per replica %s%n",
                        n, latency, request.shardCount() / latency, java.util.Arrays.toString(share));
                figures.append(String.format("| %d | %.2f | %.1f |%n", n, latency, request.shardCount() / latency));
                assertThat(java.util.Arrays.stream(share).sum())
                        .as("every shard computed once")
                        .isEqualTo(request.shardCount());
                if (n == 3) {
                    assertThat(java.util.Arrays.stream(share).boxed().toList())
                            .as("workers of every replica took shards")
                            .allSatisfy(c -> assertThat(c).isPositive());
                }
            }

            idempotencyKeysHoldOnEveryReplica();

            // -- SIGKILL one replica while it holds shards: the others reclaim them, the result is the
            // same as the fault-free run of the same job just before (a longer job than above: 10^9
            // samples can end in 0.2 s, before the test sees the victim holding a shard)
            String longBody = "{\"type\":\"pi\",\"samples\":" + KILL_SAMPLES + ",\"seed\":" + SEED + "}";
            JsonNode faultFree = run(apis.get(0), longBody, Duration.ofMinutes(5));
            assertThat(faultFree.path("status").asString())
                    .as(faultFree.toString())
                    .isEqualTo("SUCCEEDED");
            int longShards = faultFree.path("progress").path("shardsTotal").intValue();
            try (var client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
                    var connection = client.connect()) {
                var sync = connection.sync();
                var post = apis.get(0).post("/api/v1/jobs", longBody);
                assertThat(post.statusCode()).as(post.body()).isEqualTo(202);
                String id = Api.parse(post.body()).path("id").asString();
                String victim = consumerOf(sync, replicas.get(2));
                var progress = await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(20))
                        .failFast(
                                "the job ended before the victim was seen holding a shard",
                                () -> Api.parse(apis.get(1)
                                                .get("/api/v1/jobs/" + id)
                                                .body())
                                        .path("status")
                                        .asString()
                                        .equals("SUCCEEDED"))
                        .until(
                                () -> Api.parse(
                                        apis.get(1).get("/api/v1/jobs/" + id).body()),
                                j -> j.path("progress").path("shardsDone").intValue() >= longShards / 8
                                        && pending(sync, victim) > 0);
                long killedAt = System.nanoTime();
                replicas.get(2).destroyForcibly(); // SIGKILL: no shutdown hook, its shards stay pending
                replicas.get(2).waitFor(10, TimeUnit.SECONDS);
                long heldAtDeath = pending(sync, victim);
                assertThat(heldAtDeath)
                        .as("the killed replica held shards in flight when it died")
                        .isPositive();
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> reclaimed(apis.get(0)) + reclaimed(apis.get(1)) >= heldAtDeath);
                double reclaimedAfter = (System.nanoTime() - killedAt) / 1e9;
                JsonNode job = awaitEnd(apis.get(1), id, Duration.ofMinutes(5));
                double recovered = (System.nanoTime() - killedAt) / 1e9;
                assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
                assertThat(job.path("result")).as("the fault-free run's result").isEqualTo(faultFree.path("result"));
                assertThat(job.path("progress").path("shardsDone").intValue()).isEqualTo(longShards);
                assertThat(pending(sync, victim))
                        .as("nothing left with the dead consumer")
                        .isZero();
                // any replica answers for the job
                assertThat(Api.parse(apis.get(0).get("/api/v1/jobs/" + id).body())
                                .path("status")
                                .asString())
                        .isEqualTo("SUCCEEDED");
                System.out.printf(
                        "killed replica 3 at %d/%d shards holding %d; reclaimed %.2f s later, job done "
                                + "%.2f s later (reclaim after %s + 1 s), total %.2f s%n",
                        progress.path("progress").path("shardsDone").intValue(),
                        longShards,
                        heldAtDeath,
                        reclaimedAfter,
                        recovered,
                        SHARD_TIMEOUT,
                        seconds(job));
                figures.append(String.format(
                        "%nSIGKILL of replica 3 at %d/%d shards, holding %d: reclaimed %.2f s "
                                + "later, job finished %.2f s later, %.2f s in all (shard timeout %s)%n",
                        progress.path("progress").path("shardsDone").intValue(),
                        longShards,
                        heldAtDeath,
                        reclaimedAfter,
                        recovered,
                        seconds(job),
                        SHARD_TIMEOUT));
            }

            // -- a job's deadline outlives the replica that accepted it
            var timed = apis.get(1)
                    .post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":1000000000000,\"timeoutSeconds\":2}");
            assertThat(timed.statusCode()).as(timed.body()).isEqualTo(202);
            String timedId = Api.parse(timed.body()).path("id").asString();
            replicas.get(1).destroyForcibly();
            replicas.get(1).waitFor(10, TimeUnit.SECONDS);
            JsonNode timedOut = awaitEnd(apis.get(0), timedId, Duration.ofSeconds(30));
            assertThat(timedOut.path("status").asString())
                    .as(timedOut.toString())
                    .isEqualTo("FAILED");
            assertThat(timedOut.path("error").asString()).isEqualTo("timed out after 2 s");
            assertThat(seconds(timedOut))
                    .as("failed by the surviving replica, within its 1 s sweep")
                    .isBetween(2.0, 4.0);
            System.out.println(figures);
            Files.writeString(jar.getParent().resolve("redis-replicas-figures.md"), figures);
        } finally {
            for (Process p : replicas) {
                p.destroy();
            }
            for (Process p : replicas) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /**
     * One Idempotency-Key sent to each replica names one job; another body is refused by any;
     * two replicas taking one key at the same moment make one job.
     */
    private void idempotencyKeysHoldOnEveryReplica() throws Exception {
        String body = "{\"type\":\"pi\",\"samples\":1000000}";
        var ids = new java.util.HashSet<String>();
        for (Api api : apis) {
            var answer = api.post("/api/v1/jobs", body, b -> b.header("Idempotency-Key", "replicas-1"));
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 202);
            ids.add(Api.parse(answer.body()).path("id").asString());
        }
        assertThat(ids).as("one job for one key on three replicas").hasSize(1);
        for (Api api : apis) {
            var refused = api.post(
                    "/api/v1/jobs",
                    "{\"type\":\"pi\",\"samples\":2000000}",
                    b -> b.header("Idempotency-Key", "replicas-1"));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String key = "concurrent-" + round;
                var start = new java.util.concurrent.CountDownLatch(1);
                var answers = new ArrayList<java.util.concurrent.Future<String>>();
                for (int r = 0; r < 2; r++) {
                    Api api = apis.get(r);
                    answers.add(pool.submit(() -> {
                        start.await();
                        var answer = api.post("/api/v1/jobs", body, b -> b.header("Idempotency-Key", key));
                        assertThat(answer.statusCode()).as(answer.body()).isIn(200, 202);
                        return Api.parse(answer.body()).path("id").asString();
                    }));
                }
                start.countDown();
                assertThat(answers.get(0).get(30, TimeUnit.SECONDS))
                        .as("round %d", round)
                        .isEqualTo(answers.get(1).get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** This replica process's consumer in the shards' group (its name holds the pid). */
    private static String consumerOf(RedisCommands<String, String> sync, Process replica) {
        String pid = "-" + replica.pid() + "-";
        return await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> sync.xinfoConsumers("forkpool:shards", "workers").stream()
                                .map(c -> field((List<?>) c, "name"))
                                .filter(n -> n.contains(pid))
                                .findFirst()
                                .orElse(null),
                        java.util.Objects::nonNull);
    }

    /** Entries the consumer has read and not acknowledged: shards it holds. */
    private static long pending(RedisCommands<String, String> sync, String consumer) {
        return sync.xpending(
                        "forkpool:shards",
                        io.lettuce.core.Consumer.from("workers", consumer),
                        io.lettuce.core.Range.create("-", "+"),
                        io.lettuce.core.Limit.from(1000))
                .size();
    }

    private static String field(List<?> fields, String name) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (name.equals(String.valueOf(fields.get(i)))) {
                return String.valueOf(fields.get(i + 1));
            }
        }
        return "";
    }

    /** Shards this replica reclaimed from others (forkpool_shards_retried_total, reason reclaimed). */
    private static double reclaimed(Api api) {
        return api.get("/actuator/prometheus")
                .body()
                .lines()
                .filter(l -> l.startsWith("forkpool_shards_retried_total{") && l.contains("reason=\"reclaimed\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private void start(Path jar, TestRedis redis, int index) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port = TestRedis.freePort();
        Path log = jar.getParent().resolve("redis-replica-" + (index + 1) + ".log");
        // In Spring AOT mode, as the image runs it: the backend is chosen when the context starts,
        // not when the jar's bean definitions were generated (embedded, the default).
        // Workers warm before readiness (the default): a cold first shard (6·10^7 samples) can pass
        // the shard timeout on a loaded machine, three times in a row, and fail the job.
        var process = new ProcessBuilder(
                        java,
                        "-Dspring.aot.enabled=true",
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--forkpool.backend=redis",
                        "--spring.data.redis.host=" + redis.host(),
                        "--spring.data.redis.port=" + redis.port(),
                        "--forkpool.workers.count=1",
                        "--forkpool.shards.timeout=" + SHARD_TIMEOUT.toSeconds() + "s")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        replicas.add(process);
        var api = new Api(port);
        apis.add(api);
        Awaitility.await("replica " + (index + 1) + " ready; log " + log)
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .failFast("replica " + (index + 1) + " exited; log " + log, () -> !process.isAlive())
                .ignoreExceptionsInstanceOf(RuntimeException.class) // not listening yet
                .until(() -> api.get("/actuator/health/readiness").statusCode() == 200);
        assertThat(Files.readString(log))
                .as("replica %d in Spring AOT mode", index + 1)
                .contains("Starting AOT-processed ForkpoolApplication");
    }

    private long[] shardsPerReplica() {
        long[] counts = new long[replicas.size()];
        for (int r = 0; r < replicas.size(); r++) {
            if (!replicas.get(r).isAlive()) {
                continue;
            }
            for (JsonNode w : Api.parse(apis.get(r).get("/api/v1/workers").body())) {
                counts[r] += w.path("shardsCompleted").longValue();
            }
        }
        return counts;
    }

    private static JsonNode run(Api api, String body, Duration within) throws InterruptedException {
        var post = api.post("/api/v1/jobs", body);
        assertThat(post.statusCode()).as(post.body()).isEqualTo(202);
        return awaitEnd(api, Api.parse(post.body()).path("id").asText(), within);
    }

    private static JsonNode awaitEnd(Api api, String id, Duration within) {
        return await().atMost(within)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> Api.parse(api.get("/api/v1/jobs/" + id).body()),
                        job -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                                .contains(job.path("status").asString()));
    }

    private static double seconds(JsonNode job) {
        return Duration.between(
                                java.time.Instant.parse(job.path("submittedAt").asText()),
                                java.time.Instant.parse(job.path("finishedAt").asText()))
                        .toNanos()
                / 1e9;
    }
}
