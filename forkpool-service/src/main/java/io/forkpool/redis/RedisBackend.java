package io.forkpool.redis;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.dispatch.ShardSettings;
import io.forkpool.dispatch.ShardTransport;
import io.forkpool.job.JobSettings;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.pool.WorkerDirectory;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code forkpool.backend=redis}: jobs and shards in the Redis named by the usual
 * {@code spring.data.redis.*} properties. Spring's own Redis auto-configuration stays off (see
 * application.yaml), so the embedded default never needs a Redis.
 */
public final class RedisBackend implements AutoCloseable {

    private final RedisJobStore store;
    private final StreamShards shards;
    private final WorkerBeats beats;
    private final AutoCloseable resources;

    private RedisBackend(RedisJobStore store, StreamShards shards, WorkerBeats beats, AutoCloseable resources) {
        this.store = store;
        this.shards = shards;
        this.beats = beats;
        this.resources = resources;
    }

    /** Connects lazily: a Redis that is down makes readiness DOWN and POSTs 503, not a failed start. */
    public static RedisBackend open(
            RedisConnection connection,
            RedisSettings settings,
            ObjectMapper json,
            RequestBinder binder,
            JobSettings jobs,
            ShardSettings shardSettings,
            ForkpoolMetrics metrics) {
        var client = client(connection);
        var keys = new RedisKeys(settings.keyPrefix());
        var redis = new RedisLink(client);
        var reader = new RedisLink(client);
        var ends = new JobEnds(client, keys.ends());
        var store = new RedisJobStore(redis, ends, keys, json, binder, jobs);
        var shards = new StreamShards(redis, reader, ends, keys, store, shardSettings, metrics, consumerName());
        var beats = new WorkerBeats(redis, keys, shards.consumer());
        return new RedisBackend(store, shards, beats, () -> {
            beats.close();
            shards.close();
            store.close();
            ends.close();
            reader.close();
            redis.close();
            client.shutdown();
            client.getResources().shutdown();
        });
    }

    /** The jobs, in Redis. */
    public RedisJobStore store() {
        return store;
    }

    /** The shards of every replica, on one Redis Stream. */
    public ShardTransport shards() {
        return shards;
    }

    /** Where the replicas publish their workers. */
    public WorkerDirectory workers() {
        return beats;
    }

    /** Closes the connections, after every bean that uses them. */
    @Override
    public void close() throws Exception {
        resources.close();
    }

    private static RedisClient client(RedisConnection connection) {
        var uri = RedisURI.builder()
                .withHost(connection.host())
                .withPort(connection.port())
                .withDatabase(connection.database())
                .withTimeout(connection.timeout());
        if (connection.password() != null && !connection.password().isEmpty()) {
            uri.withPassword(connection.password().toCharArray());
        }
        // Reconnect attempts back off from 10 ms to at most 1 s (Lettuce's default goes to 30 s):
        // a replica is ready again within about a second of Redis's return.
        var resources = ClientResources.builder()
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        var client = RedisClient.create(resources, uri.build());
        // Fail at once while disconnected (POST → 503, readiness DOWN) instead of queueing commands.
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(connection.timeout()))
                .build());
        return client;
    }

    /** Unique per process: a restarted pod is a new consumer, its old one is reaped. */
    private static String consumerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "replica";
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }
}
