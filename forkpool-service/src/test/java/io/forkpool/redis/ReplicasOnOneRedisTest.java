package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.job.Job;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import io.forkpool.job.JobView;
import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
import java.time.Instant;
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

/**
 * Two replicas' stores and stream consumers on one real Redis, in this JVM: what one replica
 * records, the other honours (keys, deadlines, ends), and what a shard costs in Redis commands.
 * The packaged form of the same is RedisReplicasIT.
 */
class ReplicasOnOneRedisTest {

    static TestRedis redis;
    static RedisClient client;

    RedisKeys keys;
    final List<RedisReplicaFixture> replicas = new ArrayList<>();
    /** Both replicas' clock (one time for all, as Redis gives all replicas one deadline). */
    final TestClock clock = new TestClock();

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
        replicas.add(new RedisReplicaFixture(client, keys, "a", clock, Duration.ofSeconds(1)));
        replicas.add(new RedisReplicaFixture(client, keys, "b", clock, Duration.ofSeconds(1)));
    }

    @AfterEach
    void close() {
        replicas.forEach(RedisReplicaFixture::close);
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
            for (var r : replicas) {
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
        var heardByB = new java.util.concurrent.CopyOnWriteArrayList<Job.Snapshot>();
        b.store().listen(heardByB::add);
        clock.set(Instant.parse("2026-12-08T10:00:00Z"));
        var job = a.store().submit("deadline", TestJobs.pi(3_000_000L, 1L), 1, 100);
        a.close(); // its timer goes with it
        replicas.remove(a);
        b.store().enforceDeadlines();
        assertThat(b.store().find(job.id()).orElseThrow().status())
                .as("not before its deadline")
                .isEqualTo(JobStatus.QUEUED);
        clock.advance(Duration.ofSeconds(1));
        var failed = await().atMost(Duration.ofSeconds(5))
                .until(() -> b.store().find(job.id()).orElseThrow(), j -> j.status() == JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo("timed out after 1 s");
        assertThat(failed.finishedAt())
                .as("by b's own sweep, at the deadline")
                .isEqualTo(failed.submittedAt().plusSeconds(1));
        // b's listener hears after the script has ended the job (which find already sees)
        await().atMost(Duration.ofSeconds(5))
                .until(() -> heardByB.stream().anyMatch(s -> s.status() == JobStatus.FAILED));
        assertThat(heardByB).filteredOn(s -> s.status() == JobStatus.FAILED).hasSize(1);
        assertThat(client.connect().sync().zcard(keys.deadlines())).isZero();
    }

    /**
     * The prefix rule across replicas: both take and answer a job's shards at once, one of them
     * drops off mid-job with a shard it took unanswered (reclaimed by the other after the shard
     * timeout), and the job still ends at the same shard with the same bits as computed here in
     * order; either replica shows the same end.
     */
    @Test
    void aJobWithATargetEndsAtTheSamePrefixOnTwoReplicasThroughALostOne() throws Exception {
        var a = replicas.get(0);
        var b = replicas.get(1);
        JobRequest request = TestJobs.piUntil(3_000_000L, 31L, 0.0015);
        var expected = TestJobs.prefix(request);
        assertThat(expected.shards()).isBetween(4, request.shardCount() - 4);
        var job = a.store().submit("until", request, null, 100);
        var lost = a.shards().take(1); // taken by a, never answered: a is lost below
        assertThat(lost.shard()).isZero();
        var answering = Executors.newFixedThreadPool(2);
        try {
            for (var replica : List.of(a, b)) {
                answering.submit(() -> {
                    for (int i = 0; i < (replica == a ? 2 : 1000); i++) {
                        var task = replica.shards().take(1);
                        if (task == null) {
                            continue;
                        }
                        if (task.sink().isFinished()) {
                            return null;
                        }
                        task.sink()
                                .shardDone(task.shard(), task.sink().request().computeEncoded(task.shard()), 1);
                    }
                    return null;
                });
            }
            var ended = await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> b.store().find(job.id()).orElseThrow(),
                            j -> j.status().isFinal());
            assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(ended.shardsDone()).as("shards used").isEqualTo(expected.shards());
            assertThat(ended.result()).usingRecursiveComparison().isEqualTo(request.finish(expected.merged()));
            assertThat(JobView.of(ended).convergence().samplesUsed())
                    .isEqualTo(request.unitsOfShards(expected.shards()));
            var seenByA = a.store().find(job.id()).orElseThrow();
            assertThat(seenByA.result()).usingRecursiveComparison().isEqualTo(ended.result());
        } finally {
            answering.shutdownNow();
        }
    }

    @Test
    void aRequestWaitingOnOneReplicaWakesWhenTheOtherEndsTheJob() throws Exception {
        var a = replicas.get(0);
        // b reads a waited-for job again only every 10 minutes: only the end's message can wake it in time
        var b = new RedisReplicaFixture(client, keys, "b-slow", clock, Duration.ofMinutes(10));
        replicas.add(b);
        var job = a.store().submit("woken", TestJobs.pi(100_000L, 1L), null, 100);
        var waiting =
                Executors.newSingleThreadExecutor().submit(() -> b.store().await(job.id(), Duration.ofMinutes(5)));
        var task = a.shards().take(1);
        task.sink().shardDone(task.shard(), task.sink().request().computeEncoded(task.shard()), 1);
        var ended = waiting.get(30, TimeUnit.SECONDS).orElseThrow();
        assertThat(ended.status()).as("woken by the end, not by a re-check").isEqualTo(JobStatus.SUCCEEDED);
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
        assertThat(task.sink().jobId()).isEqualTo(job.id());
        assertThat(task.sink().tenant()).as("for the shard meters' tenant tag").isEqualTo("alice");
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
            task.sink()
                    .attemptEnded(new io.forkpool.dispatch.ShardAttempt(
                            task.shard(),
                            task.attempt(),
                            0,
                            1L,
                            null,
                            now,
                            now,
                            io.forkpool.dispatch.ShardAttempt.DONE)); // as the aggregator does, for the timeline
            task.sink().shardDone(task.shard(), task.sink().request().computeEncoded(task.shard()), 1);
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
            if (!answered.add(task.sink().jobId())) {
                continue; // another shard of the huge job: one is enough
            }
            var now = java.time.Instant.now();
            task.sink()
                    .attemptEnded(new io.forkpool.dispatch.ShardAttempt(
                            task.shard(),
                            task.attempt(),
                            0,
                            1L,
                            null,
                            now,
                            now,
                            io.forkpool.dispatch.ShardAttempt.DONE));
            task.sink().shardDone(task.shard(), task.sink().request().computeEncoded(task.shard()), 1);
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
