package io.forkpool.redis;

import io.forkpool.dispatch.ShardSettings;
import io.forkpool.job.JobSettings;
import io.forkpool.kind.TestJobs;
import io.forkpool.webhook.DeliveryLog;
import io.lettuce.core.RedisClient;
import java.time.Clock;
import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one replica holds of the redis backend, for tests of several replicas on one Redis (here
 * and in other packages: webhooks): its store, its shards, its delivery log, and a hand that
 * answers its shards as a worker would.
 */
public final class RedisReplicaFixture implements AutoCloseable {

    private final RedisLink link;
    private final RedisLink reader;
    private final JobEnds ends;
    private final RedisJobStore store;
    private final StreamShards shards;

    public RedisReplicaFixture(RedisClient client, String prefix, String name) {
        this(client, new RedisKeys(prefix), name, Clock.systemUTC(), Duration.ofSeconds(1));
    }

    /** On its own clock, its waiters reading their jobs again every {@code recheck}. */
    RedisReplicaFixture(RedisClient client, RedisKeys keys, String name, Clock clock, Duration recheck) {
        link = new RedisLink(client);
        reader = new RedisLink(client);
        ends = new JobEnds(client, keys.ends(), recheck);
        ends.subscribe();
        store = new RedisJobStore(new RedisJobs(
                link,
                ends,
                keys,
                JsonMapper.builder().build(),
                TestJobs.binder(),
                new JobSettings(Duration.ofHours(1), 100, Duration.ofSeconds(1)),
                clock));
        shards = new StreamShards(
                link,
                reader,
                ends,
                keys,
                store,
                new ShardSettings(Duration.ofSeconds(5), 3),
                new io.forkpool.metrics.ForkpoolMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                name);
    }

    public RedisJobStore store() {
        return store;
    }

    RedisLink link() {
        return link;
    }

    StreamShards shards() {
        return shards;
    }

    public DeliveryLog deliveries() {
        return store.deliveries();
    }

    /** Takes one shard of any job and answers it computed, on this replica. */
    public void computeOneShard() throws InterruptedException {
        var task = shards.take(1);
        task.sink().shardDone(task.shard(), task.sink().request().computeEncoded(task.shard()), 1);
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
