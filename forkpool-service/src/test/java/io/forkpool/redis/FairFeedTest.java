package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.dispatch.Priority;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStore;
import io.forkpool.kind.TestJobs;
import io.forkpool.tenant.Tenant;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The order the FEED script puts shards on the stream, exactly, on a real Redis: tenants by weight
 * in virtual time kept in Redis, within a tenant its highest priority, then jobs in turn.
 */
class FairFeedTest {

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    @Test
    void shardsGoOnTheStreamByWeightThenPriority() throws Exception {
        var redis = TestRedis.start();
        opened.add(redis);
        var client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        opened.add(client::shutdown);
        var keys = new RedisKeys("fair-" + UUID.randomUUID());
        var link = new RedisLink(client);
        opened.add(link::close);
        var ends = new JobEnds(client, keys.ends());
        opened.add(ends::close);
        var store = new RedisJobStore(
                link,
                ends,
                keys,
                JsonMapper.builder().build(),
                TestJobs.binder(),
                new JobSettings(Duration.ofHours(1), 100, Duration.ofSeconds(1)));
        opened.add(store::close);
        var alice = new Tenant("alice", 2, 0, 0, false);
        var bob = new Tenant("bob", 1, 0, 0, false);
        var request = TestJobs.pi(3_000_000_000L, 7L);
        assertThat(request.shardCount()).isGreaterThan(20);

        String a1 = submit(store, alice, Priority.NORMAL, request);
        String b1 = submit(store, bob, Priority.NORMAL, request);
        String a2 = submit(store, alice, Priority.HIGH, request);
        var sync = link.sync();
        // alice's first job, alone when it came, put the first feed's shards on the stream at once
        assertThat(stream(sync, keys))
                .containsExactly(
                        a1 + ":0", a1 + ":1", a1 + ":2", a1 + ":3", a1 + ":4", a1 + ":5", a1 + ":6", a1 + ":7");
        sync.xtrim(keys.shards(), 0); // as if read: the stream is dry, every next shard is fed
        assertThat(store.feed(9)).isEqualTo(9);
        // bob joined at the current virtual time: first, then alice twice per bob's once; alice's
        // high job takes every turn of alice's
        assertThat(stream(sync, keys))
                .containsExactly(
                        b1 + ":0", a2 + ":0", a2 + ":1", b1 + ":1", a2 + ":2", a2 + ":3", b1 + ":2", a2 + ":4",
                        a2 + ":5");
    }

    private static String submit(
            RedisJobStore store, Tenant tenant, Priority priority, io.forkpool.plugin.JobRequest r) {
        return store.submit(
                        new JobStore.Submission(UUID.randomUUID().toString(), r, null, null, priority),
                        100,
                        null,
                        tenant)
                .id();
    }

    private static List<String> stream(io.lettuce.core.api.sync.RedisCommands<String, String> sync, RedisKeys keys) {
        return sync.xrange(keys.shards(), io.lettuce.core.Range.create("-", "+")).stream()
                .map(m -> m.getBody().get("job") + ":" + m.getBody().get("shard"))
                .toList();
    }
}
