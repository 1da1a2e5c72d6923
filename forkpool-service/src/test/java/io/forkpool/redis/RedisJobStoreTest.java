package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.ShardSettings;
import io.forkpool.dispatch.ShardTransport;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import io.forkpool.job.JobStoreContract;
import io.forkpool.kind.TestJobs;
import io.lettuce.core.RedisClient;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The redis backend against the contract every backend meets, on a real Redis; then what only it does. */
class RedisJobStoreTest extends JobStoreContract {

    static TestRedis redis;
    static RedisClient client;

    RedisLink link;
    RedisReplicaFixture replica;
    JobEnds ends;
    RedisKeys keys;
    RedisJobStore store;
    StreamShards shards;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start();
        client = redis.failingFastClient();
    }

    @AfterAll
    static void stopRedis() {
        client.shutdown();
        redis.close();
    }

    @BeforeEach
    void fresh() {
        keys = new RedisKeys("test-" + UUID.randomUUID()); // each test its own keys
        replica = new RedisReplicaFixture(
                client,
                keys,
                "me",
                Clock.systemUTC(),
                Duration.ofSeconds(1),
                new ShardSettings(Duration.ofSeconds(1), 2));
        link = replica.link();
        ends = replica.ends();
        store = replica.store();
        shards = replica.shards();
    }

    @AfterEach
    void close() {
        replica.close();
    }

    @Override
    protected JobStore store() {
        return store;
    }

    @Override
    protected ShardTransport shards() {
        return shards;
    }

    @Test
    void aShardHeldByAReplicaThatDiedIsReclaimedAndDeadLetteredAfterMaxAttempts() throws Exception {
        var job = store.submit("j1", TestJobs.pi(3_000_000L, 1L), null, 10);
        var dead = new StreamShards(
                link,
                new RedisLink(client),
                ends,
                keys,
                store,
                new ShardSettings(Duration.ofSeconds(1), 2),
                new io.forkpool.metrics.ForkpoolMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                "dead-replica");
        var held = dead.take(1); // read, then never answered: its replica "died"
        dead.close();
        // the same shard comes back here after the deadline (+1 s), on its second delivery
        var reclaimed = shards.take(1);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (reclaimed.shard() != held.shard() && System.nanoTime() < deadline) {
            reclaimed = shards.take(1); // fresh shards of the job come first; leave them pending
        }
        assertThat(reclaimed.shard()).isEqualTo(held.shard());
        assertThat(reclaimed.attempt()).isEqualTo(1);
        // and once more unanswered: past max-attempts (2) it is dead-lettered and the job fails. Only a
        // replica that takes shards reclaims them, so each poll takes (for up to 2 s) as a replica would.
        var finalStatus = await("the job failed past max-attempts")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> {
                            var t = new Thread(() -> {
                                try {
                                    shards.take(1);
                                } catch (InterruptedException e) {
                                    // stop
                                }
                            });
                            t.start();
                            t.join(2000);
                            t.interrupt();
                            return store.find(job.id()).orElseThrow();
                        },
                        s -> s.status().isFinal());
        assertThat(finalStatus.status()).isEqualTo(JobStatus.FAILED);
        assertThat(finalStatus.error()).contains("dead-letter").contains("shard");
        assertThat(link.sync().xlen(keys.deadLetters())).isPositive();
    }

    /**
     * Redis lost between the MERGE of a job's last shard and its END (a crash, a partition): the job
     * has every shard merged but is still RUNNING. The sweep of any replica ends it with the result
     * of its shards; a job with a shard still missing is left alone.
     */
    @Test
    void aJobWhoseShardsAreAllMergedButThatDidNotEndIsEndedByTheSweep() {
        var request = TestJobs.pi(3_000_000L, 7L);
        assertThat(request.shardCount()).isGreaterThanOrEqualTo(2);
        store.submit("stranded", request, null, 10);
        store.submit("unfinished", request, null, 10);
        var sync = link.sync();
        for (String id : java.util.List.of("stranded", "unfinished")) {
            int merged = id.equals("stranded") ? request.shardCount() : request.shardCount() - 1;
            for (int s = 0; s < merged; s++) {
                sync.hset(
                        keys.sum(id),
                        Integer.toString(s),
                        java.util.Base64.getEncoder().encodeToString(request.encodePartial(request.compute(s))));
            }
            sync.hset(keys.job(id), java.util.Map.of("status", "RUNNING", "done", Integer.toString(merged)));
        }
        assertThat(store.find("stranded").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

        store.finishStranded();

        var ended = store.find("stranded").orElseThrow();
        assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ended.result()).usingRecursiveComparison().isEqualTo(request.finish(TestJobs.reference(request)));
        assertThat(store.find("unfinished").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        store.finishStranded(); // once: nothing more happens to an ended job
        assertThat(store.find("stranded").orElseThrow().finishedAt()).isEqualTo(ended.finishedAt());
    }

    @Test
    void aHugeJobPutsOnlyAFewShardsOnTheStream() {
        var huge = TestJobs.pi(1_000_000_000_000L, 1L);
        assertThat(huge.shardCount()).isGreaterThan(1000);
        store.submit("huge", huge, null, 10);
        assertThat(link.sync().xlen(keys.shards())).isLessThanOrEqualTo(8);
        assertThat(store.feed(4)).isEqualTo(4);
        assertThat(link.sync().xlen(keys.shards())).isLessThanOrEqualTo(12);
    }

    @Test
    void theSweepDropsExpiredJobsFromTheListAndKeepsLiveOnes() {
        var shortLived = new RedisJobStore(
                link,
                ends,
                keys,
                JsonMapper.builder().build(),
                TestJobs.binder(),
                new JobSettings(Duration.ofSeconds(1), 100, Duration.ofSeconds(1)));
        try {
            shortLived.submit("gone", TestJobs.pi(1000L, 1L), null, 10);
            shortLived.cancel("gone"); // ended: its record expires after the retention (1 s)
            shortLived.submit("running", TestJobs.pi(1000L, 1L), null, 10); // no TTL while unfinished
            await("the ended job's record expired")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> link.sync().exists(keys.job("gone")) == 0);
            shortLived.expire();
            assertThat(link.sync().zrange(keys.jobs(), 0, -1)).containsExactly("running");
            assertThat(shortLived.page(null, null, 0, 10).total()).isEqualTo(1);
        } finally {
            shortLived.close();
        }
    }

    @Test
    void redisDownRefusesJobsAsUnavailableAndReportsNotAvailable() throws Exception {
        assertThat(store.isAvailable()).isTrue();
        redis.kill();
        try {
            assertThat(store.isAvailable()).isFalse();
            Assertions.assertThatThrownBy(() -> store.submit("x", TestJobs.pi(1000L, 1L), null, 10))
                    .isInstanceOfSatisfying(
                            JobRejectedException.Full.class,
                            e -> assertThat(e.reason()).isEqualTo("store_unavailable"));
        } finally {
            redis.restart();
        }
        await("the store back after Redis returns")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(store::isAvailable);
    }

    @Test
    void aDeadlineIsRoundedUpToTheMillisecondSoItNeverFiresEarly() {
        var submitted = java.time.Instant.parse("2026-12-02T02:00:12.000400Z");
        assertThat(RedisJobStore.deadlineMillis(submitted, 1))
                .isEqualTo(java.time.Instant.parse("2026-12-02T02:00:13.001Z").toEpochMilli());
        var onTheMillisecond = java.time.Instant.parse("2026-12-02T02:00:12.004Z");
        assertThat(RedisJobStore.deadlineMillis(onTheMillisecond, 2))
                .isEqualTo(java.time.Instant.parse("2026-12-02T02:00:14.004Z").toEpochMilli());
    }
}
