package io.forkpool.redis;

import io.forkpool.dispatch.ShardSettings;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStore;
import io.forkpool.kind.TestJobs;
import io.forkpool.webhook.DeliveryLog;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one replica holds of the redis backend, for tests of other packages (webhooks): its store,
 * its delivery log, and a hand that answers its shards as a worker would.
 */
public final class RedisReplicaFixture implements AutoCloseable {

    private final RedisLink link;
    private final RedisLink reader;
    private final JobEnds ends;
    private final RedisJobStore store;
    private final StreamShards shards;

    public RedisReplicaFixture(RedisClient client, String prefix, String name) {
        var keys = new RedisKeys(prefix);
        link = new RedisLink(client);
        reader = new RedisLink(client);
        ends = new JobEnds(client, keys.ends());
        ends.subscribe();
        store = new RedisJobStore(
                link,
                ends,
                keys,
                JsonMapper.builder().build(),
                TestJobs.binder(),
                new JobSettings(Duration.ofHours(1), 100, Duration.ofSeconds(1)));
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

    public JobStore store() {
        return store;
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
