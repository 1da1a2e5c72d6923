package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.ShardSettings;
import io.forkpool.job.Job;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import io.forkpool.kind.TestJobs;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two replicas' stores and stream consumers on one real Redis, in this JVM: what one replica
 * records, the other honours (keys, deadlines, ends), and what a shard costs in Redis commands.
 * The packaged form of the same is RedisReplicasIT.
 */
class ReplicasOnOneRedisTest {

    static TestRedis redis;
    static RedisClient client;

    RedisKeys keys;
    final List<Replica> replicas = new ArrayList<>();

    /** What one replica process holds of the redis backend. */
    record Replica(RedisLink link, RedisLink reader, JobEnds ends, RedisJobStore store, StreamShards shards)
            implements AutoCloseable {

        static Replica open(RedisKeys keys, String name) {
            var link = new RedisLink(client);
            var reader = new RedisLink(client);
            var ends = new JobEnds(client, keys.ends());
            ends.subscribe();
            var store = new RedisJobStore(
                    link,
                    ends,
                    keys,
                    JsonMapper.builder().build(),
                    TestJobs.binder(),
                    new JobSettings(Duration.ofHours(1), 100, Duration.ofSeconds(1)));
            var shards = new StreamShards(
                    link,
                    reader,
                    ends,
                    keys,
                    store,
                    new ShardSettings(Duration.ofSeconds(5), 3),
                    new io.forkpool.metrics.ForkpoolMetrics(
                            new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                    name);
            return new Replica(link, reader, ends, store, shards);
        }

        @Override
        public void close() {
            shards.close();
            store.close();
            ends.close();
            reader.close();
            link.close();
        }
    }

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start();
        client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
                .build());
    }

    @AfterAll
    static void stopRedis() {
        client.shutdown();
        redis.close();
    }

    @BeforeEach
    void twoReplicas() {
        keys = new RedisKeys("replicas-" + UUID.randomUUID());
        replicas.add(Replica.open(keys, "a"));
        replicas.add(Replica.open(keys, "b"));
    }

    @AfterEach
    void close() {
        replicas.forEach(Replica::close);
    }

    @Test
    void oneKeySentToBothReplicasAtOnceMakesOneJobAndAnotherBodyIsRefusedByEither() throws Exception {
        var pool = Executors.newFixedThreadPool(8);
        try {
            var start = new CountDownLatch(1);
            var answers = new ArrayList<Future<Job.Snapshot>>();
            for (int i = 0; i < 8; i++) {
                JobStore store = replicas.get(i % 2).store();
                answers.add(pool.submit(() -> {
                    start.await();
                    return store.submit(
                            UUID.randomUUID().toString(),
                            TestJobs.pi(3_000_000L, 1L),
                            null,
                            100,
                            new JobStore.Keyed("retried-post", "digest-1"));
                }));
            }
            start.countDown();
            var ids = new HashSet<String>();
            for (var answer : answers) {
                ids.add(answer.get(10, TimeUnit.SECONDS).id());
            }
            assertThat(ids).hasSize(1);
            assertThat(replicas.get(0).store().active()).isEqualTo(1);
            for (Replica r : replicas) {
                Assertions.assertThatThrownBy(() -> r.store()
                                .submit(
                                        UUID.randomUUID().toString(),
                                        TestJobs.pi(4_000_000L, 1L),
                                        null,
                                        100,
                                        new JobStore.Keyed("retried-post", "digest-2")))
                        .isInstanceOf(JobRejectedException.KeyReused.class);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theKeyExpiresWithItsJob() {
        var store = replicas.get(0).store();
        var job = store.submit("keyed", TestJobs.pi(3_000_000L, 1L), null, 100, new JobStore.Keyed("k", "d"));
        String key = keys.idempotency(sha256("k"));
        assertThat(client.connect().sync().ttl(key))
                .as("no TTL while the job runs")
                .isEqualTo(-1L);
        store.cancel(job.id());
        var sync = client.connect().sync();
        assertThat(sync.ttl(key)).isEqualTo(sync.ttl(keys.job(job.id()))).isPositive();
    }

    @Test
    void aDeadlineIsEnforcedOnceByTheOtherReplicaWhenTheAcceptingOneIsGone() {
        var a = replicas.get(0);
        var b = replicas.get(1);
        var heardByB = new ArrayList<Job.Snapshot>();
        b.store().listen(heardByB::add);
        var job = a.store().submit("deadline", TestJobs.pi(3_000_000L, 1L), 1, 100);
        a.close(); // its timer goes with it
        replicas.remove(a);
        var failed = await().atMost(Duration.ofSeconds(5))
                .until(() -> b.store().find(job.id()).orElseThrow(), j -> j.status() == JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo("timed out after 1 s");
        assertThat(Duration.between(failed.submittedAt(), failed.finishedAt()))
                .as("within the sweep period after the deadline")
                .isBetween(Duration.ofSeconds(1), Duration.ofMillis(2600));
        assertThat(heardByB).filteredOn(s -> s.status() == JobStatus.FAILED).hasSize(1);
        assertThat(client.connect().sync().zcard(keys.deadlines())).isZero();
    }

    @Test
    void aRequestWaitingOnOneReplicaWakesWhenTheOtherEndsTheJob() throws Exception {
        var a = replicas.get(0);
        var b = replicas.get(1);
        var job = a.store().submit("woken", TestJobs.pi(100_000L, 1L), null, 100);
        var waiting =
                Executors.newSingleThreadExecutor().submit(() -> b.store().await(job.id(), Duration.ofSeconds(30)));
        var task = a.shards().take(1);
        long answered = System.nanoTime();
        task.work().shardDone(task.shard(), task.work().request().computeEncoded(task.shard()), 1);
        var ended = waiting.get(10, TimeUnit.SECONDS).orElseThrow();
        long wokeAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
        assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(wokeAfterMs).as("woken by the end, not by the 1 s re-check").isLessThan(900);
    }

    /**
     * A job's shards taken and answered through the stream: each costs the client two scripts
     * (TAKE, MERGE), the job one SUBMIT. Before this design a shard cost ~22 commands in 8.5
     * round trips (issue 14); docs/benchmarks.md has the full breakdown from bench/redis.sh.
     */
    @Test
    void aShardTakenOnAnotherReplicaKnowsItsJobsTenant() throws Exception {
        var alice = new io.forkpool.tenant.Tenant("alice", 1, 0, 0, false);
        var job = replicas.get(0)
                .store()
                .submit(
                        new io.forkpool.job.JobStore.Submission(
                                UUID.randomUUID().toString(), TestJobs.pi(3_000_000L, 3L), null, null),
                        100,
                        null,
                        alice);
        var task = replicas.get(1).shards().take(1);
        assertThat(task.work().jobId()).isEqualTo(job.id());
        assertThat(task.work().tenant()).as("for the shard meters' tenant tag").isEqualTo("alice");
        replicas.get(0).store().cancel(job.id());
    }

    @Test
    void aShardCostsTwoScriptsAndTheirReads() throws Exception {
        var a = replicas.get(0);
        var sync = client.connect().sync();
        var request = TestJobs.pi(3_000_000_000L, 7L);
        int shards = request.shardCount();
        assertThat(shards).isGreaterThan(20);
        sync.configResetstat();
        var job = a.store().submit("counted", request, null, 100);
        for (int i = 0; i < shards; i++) {
            var task = i == 0 ? a.shards().take(1) : a.shards().poll(); // the worker's own next shard
            if (task == null) {
                task = a.shards().take(1);
            }
            var now = java.time.Instant.now();
            task.work()
                    .attemptEnded(new io.forkpool.dispatch.ShardAttempt(
                            task.shard(),
                            task.attempt(),
                            0,
                            1L,
                            null,
                            now,
                            now,
                            io.forkpool.dispatch.ShardAttempt.DONE)); // as the aggregator does, for the timeline
            task.work().shardDone(task.shard(), task.work().request().computeEncoded(task.shard()), 1);
        }
        assertThat(a.store()
                        .await(job.id(), Duration.ofSeconds(10))
                        .orElseThrow()
                        .status())
                .isEqualTo(JobStatus.SUCCEEDED);
        Map<String, Long> calls = calls(sync.info("commandstats"));
        long scripts = calls.getOrDefault("evalsha", 0L)
                + calls.getOrDefault("eval", 0L)
                - calls.getOrDefault("zrangebyscore", 0L) // each replica's deadline sweep, once a second
                - calls.getOrDefault("smembers", 0L) // each replica's sweep for stranded jobs, every 5 s
                - a.store()
                        .jobs()
                        .summaries()
                        .scripts(); // the timeline's summary: per job and half second, not per shard
        System.out.printf("%d shards: %s%n", shards, calls);
        // + a few per job; the first call of each script goes twice (NOSCRIPT, then EVAL with its body)
        assertThat(scripts).as("two scripts per shard").isLessThanOrEqualTo(2L * shards + 10);
        assertThat(sync.llen(keys.tries(job.id())))
                .as("every try kept for the timeline, by MERGE")
                .isEqualTo(shards);
        assertThat(calls.getOrDefault("hget", 0L) + calls.getOrDefault("hgetall", 0L))
                .as("no reads of the job per shard")
                .isLessThan(shards / 4);
    }

    /**
     * A small job's tries all fit its tries list, so it gets no summary (two scripts fewer per tiny
     * job) and its timeline is the list; a job with more shards than that bound is summarised.
     */
    @Test
    void onlyJobsThatCanOutgrowTheTriesListAreSummarised() throws Exception {
        var a = replicas.get(0);
        var sync = client.connect().sync();
        var tiny = a.store().submit("tiny", TestJobs.pi(100_000L, 1L), null, 100);
        var huge = a.store().submit("huge", TestJobs.pi(1_000_000_000_000L, 1L), null, 100);
        assertThat(huge.shardsTotal())
                .as("more shards than the list can hold at 2 (max-attempts 3 + 1) tries each")
                .isGreaterThan(ShardTries.CAP / 8);
        var answered = new java.util.HashSet<String>();
        while (answered.size() < 2) {
            var task = a.shards().take(1);
            if (!answered.add(task.work().jobId())) {
                continue; // another shard of the huge job: one is enough
            }
            var now = java.time.Instant.now();
            task.work()
                    .attemptEnded(new io.forkpool.dispatch.ShardAttempt(
                            task.shard(),
                            task.attempt(),
                            0,
                            1L,
                            null,
                            now,
                            now,
                            io.forkpool.dispatch.ShardAttempt.DONE));
            task.work().shardDone(task.shard(), task.work().request().computeEncoded(task.shard()), 1);
        }
        assertThat(a.store()
                        .await(tiny.id(), Duration.ofSeconds(10))
                        .orElseThrow()
                        .status())
                .isEqualTo(JobStatus.SUCCEEDED);
        await().atMost(Duration.ofSeconds(10)).until(() -> sync.llen(keys.tries(huge.id())) == 1);
        a.store().jobs().summaries().flush();
        assertThat(sync.exists(a.store().jobs().summaries().summaryKey(tiny.id())))
                .as("tiny job: no summary")
                .isZero();
        assertThat(sync.exists(a.store().jobs().summaries().summaryKey(huge.id())))
                .as("huge job: summarised")
                .isEqualTo(1);
        var timeline = a.store().shards(tiny.id()).orElseThrow();
        assertThat(timeline.attempts()).isEqualTo(1);
        assertThat(timeline.detail())
                .as("the tiny job's timeline: its try from the list")
                .hasSize(1);
    }

    private static Map<String, Long> calls(String commandstats) {
        var calls = new java.util.TreeMap<String, Long>();
        for (String line : commandstats.split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring(8, line.indexOf(':'));
                String count = line.substring(line.indexOf("calls=") + 6, line.indexOf(','));
                calls.put(name, Long.parseLong(count));
            }
        }
        return calls;
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
