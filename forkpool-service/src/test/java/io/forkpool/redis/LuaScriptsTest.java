package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code .lua} files of the redis backend, each loaded as the backend loads it and run by a
 * real Redis: every file is part of a script, Redis compiles each under the SHA the backend sends,
 * and each script does its state change on keys of its own here.
 */
class LuaScriptsTest {

    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    static final List<LuaScript> ALL = List.of(
            Scripts.SUBMIT,
            Scripts.FEED,
            Scripts.TAKE,
            Scripts.ACCEPT,
            Scripts.MERGE,
            Scripts.DROP,
            Scripts.END,
            Scripts.ADVANCE,
            Scripts.DEADLINES,
            Scripts.STRANDED,
            Scripts.PAGE,
            Scripts.SWEEP,
            Scripts.HOLD_DELIVERY,
            Scripts.SETTLE_DELIVERY,
            Scripts.TAKE_OVER_DELIVERIES,
            WorkerBeats.BEAT,
            WorkerBeats.LIVE,
            TrySummaries.INIT,
            TrySummaries.ADD,
            ShardTries.RECORD);

    RedisKeys keys;
    StatefulRedisConnection<String, String> connection;
    RedisCommands<String, String> redis;

    @BeforeEach
    void connect() {
        keys = new RedisKeys("lua-" + UUID.randomUUID());
        connection = REDIS.client().connect();
        redis = connection.sync();
    }

    @AfterEach
    void close() {
        connection.close();
    }

    @Test
    void everyFileIsPartOfAScript() throws IOException, URISyntaxException {
        Path dir = Path.of(LuaScript.class.getResource("lua").toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".lua")).toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(ALL.size());
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(ALL)
                    .as(dir.relativize(file) + " is in a script")
                    .anyMatch(s -> s.body().contains(text));
        }
    }

    @Test
    void redisCompilesEveryScriptUnderTheShaTheBackendSends() {
        redis.scriptFlush();
        for (LuaScript script : ALL) {
            assertThat(redis.scriptLoad(script.body())).isEqualTo(script.sha());
        }
    }

    @Test
    void theSummaryScriptHasTrySummariesBucketCount() {
        assertThat(TrySummaries.ADD.body()).contains("local BUCKETS = " + TrySummaries.BUCKETS + " ");
    }

    /** SUBMIT, FEED, TAKE, MERGE, STRANDED, END, DROP, DEADLINES, PAGE and SWEEP: one job's life and a second's timeout. */
    @Test
    void theJobScriptsTakeAJobThroughItsLife() {
        redis.scriptFlush(); // the first run of each goes by EVAL after NOSCRIPT, the next by EVALSHA
        String job = "job-1";
        assertThat(submit(job, 10, "")).containsExactly(1L);
        assertThat(redis.xlen(keys.shards()))
                .as("its first shard on the stream")
                .isEqualTo(1);
        assertThat(redis.lrange(keys.feed(), 0, -1)).as("its second waits").containsExactly(job);
        assertThat(submit("job-x", 1, "")).as("the service is full").containsExactly(0L);

        assertThat((Long) Scripts.FEED.run(
                        redis,
                        ScriptOutputType.INTEGER,
                        new String[] {keys.feed(), keys.shards()},
                        "5",
                        keys.jobPrefix()))
                .isEqualTo(1);
        redis.xgroupCreate(
                XReadArgs.StreamOffset.from(keys.shards(), "0"), keys.group(), XGroupCreateArgs.Builder.mkstream());
        List<Object> taken = Scripts.TAKE.run(
                redis,
                ScriptOutputType.MULTI,
                new String[] {keys.shards(), keys.feed()},
                keys.group(),
                "consumer-a",
                "5",
                keys.jobPrefix(),
                "2026-01-01T00:00:01Z",
                "0");
        assertThat(taken).hasSize(9);
        assertThat(taken.subList(0, 3)).containsExactly(1L, job, "2026-01-01T00:00:00Z");
        assertThat(taken.subList(4, 6)).containsExactly(job, "0");
        assertThat(taken.subList(7, 9)).containsExactly(job, "1");
        assertThat(redis.hget(keys.job(job), "status")).isEqualTo("RUNNING");
        assertThat((List<Object>) Scripts.ACCEPT.run(
                        redis,
                        ScriptOutputType.MULTI,
                        new String[] {keys.shards()},
                        keys.group(),
                        keys.jobPrefix(),
                        "2026-01-01T00:00:02Z"))
                .containsExactly(0L);

        assertThat(merge(job, (String) taken.get(3), 0, "AAAA")).containsExactly(0L);
        assertThat(merge(job, (String) taken.get(6), 1, "BBBB")).containsExactly(1L, "AAAA", "BBBB");
        assertThat(merge(job, (String) taken.get(6), 1, "BBBB"))
                .as("merged once")
                .containsExactly(-2L);
        assertThat(redis.hget(keys.job(job), "done")).isEqualTo("2");
        assertThat(redis.lrange(keys.tries(job), 0, -1)).containsExactly("try-0", "try-1", "try-1");
        assertThat((List<Object>) Scripts.STRANDED.run(
                        redis, ScriptOutputType.MULTI, new String[] {keys.unfinished()}, keys.jobPrefix()))
                .containsExactly(job);

        List<Object> ended = end(job);
        assertThat(ended).containsSubsequence("status", "SUCCEEDED").containsSubsequence("merged", "QUJD");
        assertThat(end(job)).as("a job ends once").isEmpty();
        assertThat(redis.ttl(keys.job(job))).isPositive();
        assertThat((Long) Scripts.DROP.run(
                        redis, ScriptOutputType.INTEGER, new String[] {keys.shards()}, keys.group(), (String)
                                taken.get(3)))
                .as("merged entries are gone")
                .isZero();

        assertThat(submit("job-2", 10, "1")).containsExactly(1L);
        assertThat((List<Object>) Scripts.DEADLINES.run(
                        redis,
                        ScriptOutputType.MULTI,
                        new String[] {keys.deadlines(), keys.unfinished(), keys.feed()},
                        "2",
                        keys.jobPrefix(),
                        "2026-01-01T00:00:03Z",
                        "60",
                        keys.ends(),
                        "100"))
                .containsExactly("job-2");
        assertThat(redis.hget(keys.job("job-2"), "error")).isEqualTo("timed out after 1 s");

        assertThat((List<Object>) Scripts.PAGE.run(
                        redis,
                        ScriptOutputType.MULTI,
                        new String[] {keys.jobs()},
                        keys.jobPrefix(),
                        "FAILED",
                        "",
                        "0",
                        "10",
                        "")) // any tenant
                .containsExactly("1", "job-2");
        redis.del(keys.job("job-x"), keys.job(job));
        assertThat((Long) Scripts.SWEEP.run(
                        redis, ScriptOutputType.INTEGER, new String[] {keys.jobs()}, keys.jobPrefix(), "1000"))
                .as("the job whose record expired")
                .isEqualTo(1);
        assertThat(redis.zrange(keys.jobs(), 0, -1)).containsExactly("job-2");
    }

    @Test
    void theDeliveryScriptsHoldSettleAndTakeOverALease() {
        String pending = keys.pendingDeliveries();
        String lease = keys.deliveryLeasePrefix() + "job-1";
        assertThat(hold("a", "new", "60000")).isEqualTo(1);
        assertThat(hold("b", "new", "60000")).as("a's lease is live").isZero();
        assertThat(settle("b")).isZero();
        assertThat(settle("a")).isEqualTo(1);
        assertThat(redis.zcard(pending)).isZero();
        assertThat(hold("a", "", "60000")).as("settled: no longer pending").isZero();

        assertThat(hold("a", "new", "1")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat((List<Object>) Scripts.TAKE_OVER_DELIVERIES.run(
                                redis,
                                ScriptOutputType.MULTI,
                                new String[] {pending},
                                "b",
                                "60000",
                                "10",
                                keys.deliveryLeasePrefix()))
                        .containsExactly("job-1"));
        assertThat(redis.get(lease)).isEqualTo("b");
    }

    @Test
    void theWorkerAndTryScriptsKeepTheirRecords() {
        String set = keys.jobs() + ":workers";
        assertThat((Long) WorkerBeats.BEAT.run(
                        redis, ScriptOutputType.INTEGER, new String[] {set + ":r1", set}, "[1]", "60000", "r1"))
                .isEqualTo(1);
        redis.sadd(set, "gone");
        assertThat((List<Object>) WorkerBeats.LIVE.run(redis, ScriptOutputType.MULTI, new String[] {set}, set + ":"))
                .containsExactly("r1", "[1]");
        assertThat(redis.smembers(set)).containsExactly("r1");

        String summary = keys.job("s") + ":summary";
        assertThat((List<Object>) TrySummaries.INIT.run(
                        redis, ScriptOutputType.MULTI, new String[] {summary}, "7", "50000", "60"))
                .containsExactly("7", "50000");
        assertThat((Long) TrySummaries.ADD.run(
                        redis,
                        ScriptOutputType.INTEGER,
                        new String[] {summary},
                        "100000",
                        "60",
                        "1",
                        "w1",
                        "1",
                        "0",
                        "10",
                        "1",
                        "2",
                        "1",
                        "3",
                        "10"))
                .as("the hash's buckets widen to the sums'")
                .isEqualTo(100_000);
        assertThat(redis.hget(summary, "b3|w1")).isEqualTo("10");
        assertThat(redis.hget(summary, "n|w1")).isEqualTo("1");

        String tries = keys.tries("t");
        for (String entry : List.of("x", "y", "z")) {
            ShardTries.RECORD.run(redis, ScriptOutputType.INTEGER, new String[] {tries}, entry, "2", "60");
        }
        assertThat(redis.lrange(tries, 0, -1)).as("capped").containsExactly("x", "y");
    }

    private List<Object> submit(String id, int maxActive, String deadlineMillis) {
        var args = new ArrayList<>(List.of(
                id,
                Integer.toString(maxActive),
                id.equals("job-2") ? "2" : "1",
                "1",
                "",
                deadlineMillis,
                "default", // tenant, normal priority, weight 1, 2,000 units, no quotas
                "1",
                "1",
                "2000",
                "0",
                "0",
                "id",
                id,
                "type",
                "pi",
                "request",
                "{}",
                "status",
                "QUEUED",
                "total",
                "2",
                "next",
                "0",
                "done",
                "0",
                "computeNanos",
                "0",
                "submittedAt",
                "2026-01-01T00:00:00Z"));
        if (!deadlineMillis.isEmpty()) {
            args.addAll(List.of("timeoutSeconds", "1"));
        }
        return Scripts.SUBMIT.run(
                redis,
                ScriptOutputType.MULTI,
                new String[] {
                    keys.job(id),
                    keys.jobs(),
                    keys.unfinished(),
                    keys.feed(),
                    keys.shards(),
                    keys.deadlines(),
                    keys.idempotency("-")
                },
                args.toArray(String[]::new));
    }

    private List<Object> merge(String id, String entry, int shard, String partial) {
        return Scripts.MERGE.run(
                redis,
                ScriptOutputType.MULTI,
                new String[] {
                    keys.job(id),
                    keys.merged(id),
                    keys.sum(id),
                    keys.shards(),
                    keys.unfinished(),
                    keys.feed(),
                    keys.deadlines(),
                    keys.tries(id)
                },
                keys.group(),
                entry,
                Integer.toString(shard),
                "5",
                partial,
                id,
                "",
                "2026-01-01T00:00:03Z",
                "60",
                keys.ends(),
                "try-" + shard,
                "10",
                "60");
    }

    private List<Object> end(String id) {
        return Scripts.END.run(
                redis,
                ScriptOutputType.MULTI,
                new String[] {keys.job(id), keys.unfinished(), keys.feed(), keys.deadlines()},
                id,
                "SUCCEEDED",
                "",
                "2026-01-01T00:00:04Z",
                "60",
                "QUJD",
                keys.ends());
    }

    private long hold(String holder, String fresh, String leaseMillis) {
        return Scripts.HOLD_DELIVERY.run(
                redis,
                ScriptOutputType.INTEGER,
                new String[] {keys.pendingDeliveries(), keys.deliveryLeasePrefix() + "job-1"},
                holder,
                "job-1",
                leaseMillis,
                fresh);
    }

    private long settle(String holder) {
        return Scripts.SETTLE_DELIVERY.run(
                redis,
                ScriptOutputType.INTEGER,
                new String[] {keys.pendingDeliveries(), keys.deliveryLeasePrefix() + "job-1"},
                holder,
                "job-1");
    }
}
