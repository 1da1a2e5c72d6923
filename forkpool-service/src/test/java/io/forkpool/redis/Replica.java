package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.web.Api;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * One replica of the packaged jar on the redis backend, one worker, in Spring AOT mode as the image
 * runs it, started behind an optional command prefix ({@code ip netns exec <ns>}), and what the
 * fault tests read of it: readiness, its consumer in the shards' group, the shards it computed and
 * those it reclaimed.
 */
final class Replica implements AutoCloseable {

    final String name;
    final Process process;
    final Api api;
    final Path log;

    private Replica(String name, Process process, Api api, Path log) {
        this.name = name;
        this.process = process;
        this.api = api;
        this.log = log;
    }

    /** The packaged jar (system property {@code forkpool.jar}, set by the failsafe configuration). */
    static Path jar() {
        Path jar = Path.of(System.getProperty("forkpool.jar", "")).toAbsolutePath();
        assertThat(jar).as("packaged jar (system property forkpool.jar)").isRegularFile();
        return jar;
    }

    /**
     * Starts it, without waiting: {@code httpHost} is where the test reaches it, {@code redisHost}
     * and {@code redisPort} where it reaches Redis.
     */
    static Replica start(
            String name, List<String> prefix, String httpHost, String redisHost, int redisPort, Duration shardTimeout)
            throws IOException {
        Path jar = jar();
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port = TestRedis.freePort();
        Path log = jar.getParent().resolve("redis-" + name + ".log");
        var command = new ArrayList<>(prefix);
        command.addAll(List.of(
                java,
                "-Dspring.aot.enabled=true",
                "-jar",
                jar.toString(),
                "--server.port=" + port,
                "--forkpool.backend=redis",
                "--spring.data.redis.host=" + redisHost,
                "--spring.data.redis.port=" + redisPort,
                "--forkpool.workers.count=1",
                "--forkpool.shards.timeout=" + shardTimeout.toSeconds() + "s"));
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new Replica(name, process, new Api("http://" + httpHost + ":" + port), log);
    }

    void awaitReady(Duration within) {
        await(name + " ready; log " + log)
                .atMost(within)
                .pollInterval(Duration.ofMillis(200))
                .failFast(name + " exited; log " + log, () -> !process.isAlive())
                .ignoreExceptionsInstanceOf(RuntimeException.class) // not listening yet
                .until(this::ready);
    }

    /** {@code /actuator/health/readiness} answers 200 (UP); 503 is DOWN. */
    boolean ready() {
        return api.get("/actuator/health/readiness").statusCode() == 200;
    }

    /** Its consumer in the shards' group (the name holds the pid; {@code ip netns exec} execs java). */
    String consumer(RedisCommands<String, String> redis) {
        String pid = "-" + process.pid() + "-";
        return await(name + "'s consumer")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> redis.xinfoConsumers("forkpool:shards", "workers").stream()
                                .map(c -> field((List<?>) c, "name"))
                                .filter(n -> n.contains(pid))
                                .findFirst()
                                .orElse(null),
                        Objects::nonNull);
    }

    /** Entries the consumer has read and not acknowledged: shards it holds. */
    static long pending(RedisCommands<String, String> redis, String consumer) {
        return redis.xpending(
                        "forkpool:shards",
                        io.lettuce.core.Consumer.from("workers", consumer),
                        Range.create("-", "+"),
                        Limit.from(1000))
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

    /** Shards its workers computed (GET /api/v1/workers). */
    long shardsCompleted() {
        long n = 0;
        for (JsonNode w : Api.parse(api.get("/api/v1/workers").body())) {
            n += w.path("shardsCompleted").longValue();
        }
        return n;
    }

    /** Shards it reclaimed from others: forkpool_shards_retried_total{reason="reclaimed"}. */
    double reclaimed() {
        return api.get("/actuator/prometheus")
                .body()
                .lines()
                .filter(l -> l.startsWith("forkpool_shards_retried_total{") && l.contains("reason=\"reclaimed\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    JsonNode job(String id) {
        return Api.parse(api.get("/api/v1/jobs/" + id).body());
    }

    String post(String body) {
        var post = api.post("/api/v1/jobs", body);
        assertThat(post.statusCode()).as(post.body()).isEqualTo(202);
        return Api.parse(post.body()).path("id").asString();
    }

    JsonNode awaitEnd(String id, Duration within) {
        return await("job " + id + " ended")
                .atMost(within)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> job(id),
                        j -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                                .contains(j.path("status").asString()));
    }

    /** Posts and waits for the end; asserts it SUCCEEDED. */
    JsonNode run(String body, Duration within) {
        JsonNode job = awaitEnd(post(body), within);
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        return job;
    }

    static double seconds(JsonNode job) {
        return Duration.between(
                                Instant.parse(job.path("submittedAt").asString()),
                                Instant.parse(job.path("finishedAt").asString()))
                        .toNanos()
                / 1e9;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The log, for an assertion's message. */
    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
