package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.plugin.JobRequest;
import io.forkpool.kind.JobResult;
import io.forkpool.kind.TestJobs;
import io.forkpool.redis.TestRedis;
import io.forkpool.web.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Three replicas of the packaged jar on loopback sharing one real Redis, one worker each: a job
 * posted to one replica is computed by the workers of all of them, with exactly the result of the
 * kernel run in this JVM; then one replica is SIGKILLed mid-job and the job still ends with that
 * same result, its shards reclaimed by the others. Prints the figures of docs/benchmarks.md.
 */
class RedisReplicasIT {

    static final long SAMPLES = Long.getLong("forkpool.it.samples", 1_000_000_000L);
    static final long SEED = 20_26L;
    static final Duration SHARD_TIMEOUT = Duration.ofSeconds(3);

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
        System.out.printf("reference in this JVM: %d shards in %.1f s, inside=%d%n", request.shardCount(),
                (System.nanoTime() - t0) / 1e9, reference.inside());

        try (TestRedis redis = TestRedis.start()) {
            var figures = new StringBuilder("| replicas | job latency (s) | shards/s |\n|---|---|---|\n");
            for (int n = 1; n <= 3; n++) {
                start(jar, redis, n - 1);
                long[] before = shardsPerReplica();
                JsonNode job = run(apis.get(0), body, Duration.ofMinutes(5));
                long[] after = shardsPerReplica();
                assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
                assertThat(job.path("result").path("inside").longValue()).as("same as the kernel in this JVM")
                        .isEqualTo(reference.inside());
                assertThat(job.path("result").path("estimate").doubleValue()).isEqualTo(reference.estimate());
                double latency = seconds(job);
                long[] share = new long[n];
                for (int r = 0; r < n; r++) {
                    share[r] = after[r] - before[r];
                }
                System.out.printf("%d replica(s): %.2f s, %.1f shards/s, shards per replica %s%n", n, latency,
                        request.shardCount() / latency, java.util.Arrays.toString(share));
                figures.append(String.format("| %d | %.2f | %.1f |%n", n, latency, request.shardCount() / latency));
                assertThat(java.util.Arrays.stream(share).sum()).as("every shard computed once")
                        .isEqualTo(request.shardCount());
                if (n == 3) {
                    assertThat(java.util.Arrays.stream(share).boxed().toList())
                            .as("workers of every replica took shards").allSatisfy(c -> assertThat(c).isPositive());
                }
            }

            // -- SIGKILL one replica mid-job: the others reclaim its shards, the result is the same
            var post = apis.get(0).post("/api/v1/jobs", body);
            assertThat(post.statusCode()).as(post.body()).isEqualTo(202);
            String id = Api.parse(post.body()).path("id").asText();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            JsonNode progress;
            do {
                Thread.sleep(100);
                progress = Api.parse(apis.get(1).get("/api/v1/jobs/" + id).body());
            } while (progress.path("progress").path("shardsDone").intValue() < request.shardCount() / 4
                    && System.nanoTime() < deadline);
            long killedAt = System.nanoTime();
            replicas.get(2).destroyForcibly(); // SIGKILL: no shutdown hook, its shard stays pending
            replicas.get(2).waitFor(10, TimeUnit.SECONDS);
            JsonNode job = await(apis.get(1), id, Duration.ofMinutes(5));
            double recovered = (System.nanoTime() - killedAt) / 1e9;
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.path("result").path("inside").longValue()).isEqualTo(reference.inside());
            assertThat(job.path("progress").path("shardsDone").intValue()).isEqualTo(request.shardCount());
            // any replica answers for the job
            assertThat(Api.parse(apis.get(0).get("/api/v1/jobs/" + id).body()).path("status").asText())
                    .isEqualTo("SUCCEEDED");
            System.out.printf("killed replica 3 at %d/%d shards; job done %.2f s later (reclaim after %s + 1 s), "
                    + "total %.2f s%n", progress.path("progress").path("shardsDone").intValue(),
                    request.shardCount(), recovered, SHARD_TIMEOUT, seconds(job));
            figures.append(String.format("%nSIGKILL of replica 3 at %d/%d shards: job finished %.2f s later, "
                    + "%.2f s in all (shard timeout %s)%n", progress.path("progress").path("shardsDone").intValue(),
                    request.shardCount(), recovered, seconds(job), SHARD_TIMEOUT));
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

    private void start(Path jar, TestRedis redis, int index) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port = TestRedis.freePort();
        Path log = jar.getParent().resolve("redis-replica-" + (index + 1) + ".log");
        // In Spring AOT mode, as the image runs it: the backend is chosen when the context starts,
        // not when the jar's bean definitions were generated (embedded, the default).
        var process = new ProcessBuilder(java, "-Dspring.aot.enabled=true", "-jar", jar.toString(),
                "--server.port=" + port,
                "--forkpool.backend=redis", "--spring.data.redis.host=" + redis.host(),
                "--spring.data.redis.port=" + redis.port(), "--forkpool.workers.count=1",
                "--forkpool.workers.warmup=0ms", "--forkpool.shards.timeout=" + SHARD_TIMEOUT.toSeconds() + "s")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        replicas.add(process);
        var api = new Api(port);
        apis.add(api);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            assertThat(process.isAlive()).as("replica %d alive; log %s", index + 1, log).isTrue();
            try {
                var ready = api.get("/actuator/health/readiness");
                if (ready.statusCode() == 200) {
                    assertThat(Files.readString(log)).as("replica %d in Spring AOT mode", index + 1)
                            .contains("Starting AOT-processed ForkpoolApplication");
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("replica %d ready within 120 s; log %s", index + 1, log)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
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
        return await(api, Api.parse(post.body()).path("id").asText(), within);
    }

    private static JsonNode await(Api api, String id, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode job;
        do {
            Thread.sleep(100);
            job = Api.parse(api.get("/api/v1/jobs/" + id).body());
        } while (!List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.path("status").asText())
                && System.nanoTime() < deadline);
        return job;
    }

    private static double seconds(JsonNode job) {
        return Duration.between(java.time.Instant.parse(job.path("submittedAt").asText()),
                java.time.Instant.parse(job.path("finishedAt").asText())).toNanos() / 1e9;
    }
}
