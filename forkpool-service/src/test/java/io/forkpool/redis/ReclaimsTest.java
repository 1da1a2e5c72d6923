package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.ShardSettings;
import io.forkpool.job.JobStatus;
import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stream's entries of replicas that died, in a real Redis: claimed once idle past a shard's
 * deadline, as a retry; dead-lettered with their job failed once delivered more than max-attempts
 * times; and the consumers of gone replicas removed from the group.
 */
class ReclaimsTest {

    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    record Claimed(String job, int shard, int attempt) {}

    @Test
    void anEntryHeldByADeadReplicaIsRetriedHereThenDeadLetteredPastMaxAttempts() {
        var keys = new RedisKeys("reclaims-" + UUID.randomUUID());
        var registry = new SimpleMeterRegistry();
        var metrics = new ForkpoolMetrics(registry);
        var settings = new ShardSettings(Duration.ZERO, 2); // claimed after 1 s idle, at most 2 deliveries
        try (var replica =
                new RedisReplicaFixture(REDIS.client(), keys, "unused", Clock.systemUTC(), Duration.ofSeconds(1))) {
            var store = replica.store();
            var link = replica.link();
            var jobs = new StreamJobs(store.jobs());
            link.sync()
                    .xgroupCreate(
                            XReadArgs.StreamOffset.from(keys.shards(), "0"),
                            keys.group(),
                            XGroupCreateArgs.Builder.mkstream());
            var job = store.submit("held", TestJobs.pi(1_000L, 1L), null, 100);
            assertThat(jobs.take("dead", 1, 0)).hasSize(1); // read, never answered: its replica died

            var here = new Reclaims(link, keys, jobs, settings, metrics, "here");
            var claimed = new ArrayList<Claimed>();
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> {
                                here.reclaim(10, (d, attempt) -> claimed.add(new Claimed(d.job(), d.shard(), attempt)));
                                return claimed;
                            },
                            c -> !c.isEmpty());
            assertThat(claimed).containsExactly(new Claimed(job.id(), 0, 1));
            assertThat(registry.find("forkpool.shards.retried")
                            .tag("reason", "reclaimed")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(store.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

            // "here" died too: a third replica finds the entry delivered a third time, past max-attempts
            var third = new Reclaims(link, keys, jobs, settings, metrics, "third");
            List<Claimed> none = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> {
                                third.reclaim(10, (d, attempt) -> none.add(new Claimed(d.job(), d.shard(), attempt)));
                                return link.sync().xlen(keys.deadLetters());
                            },
                            n -> n == 1);
            assertThat(none).as("not retried again").isEmpty();
            var failed = store.find(job.id()).orElseThrow();
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.error())
                    .isEqualTo(
                            "shard 0 failed and went to the dead-letter stream: delivered 3 times without an answer");
            assertThat(link.sync().xlen(keys.shards()))
                    .as("acknowledged and deleted")
                    .isZero();

            third.removeDeadConsumers();
            assertThat(consumers(link, keys))
                    .as("no heartbeat and nothing pending: gone; a consumer is never removed by itself")
                    .containsExactly("third");
        }
    }

    private static List<String> consumers(RedisLink link, RedisKeys keys) {
        var names = new ArrayList<String>();
        for (Object info : link.sync().xinfoConsumers(keys.shards(), keys.group())) {
            var fields = (List<?>) info;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("name".equals(String.valueOf(fields.get(i)))) {
                    names.add(String.valueOf(fields.get(i + 1)));
                }
            }
        }
        return names;
    }
}
