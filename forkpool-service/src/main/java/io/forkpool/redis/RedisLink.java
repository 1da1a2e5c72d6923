package io.forkpool.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * One Lettuce connection, opened on first use rather than at boot: a replica starts (not ready)
 * while Redis is down, and connects once it is back. Lettuce reconnects by itself after that.
 */
final class RedisLink implements AutoCloseable {

    private final RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    RedisLink(RedisClient client) {
        this.client = client;
    }

    RedisCommands<String, String> sync() {
        return connection().sync();
    }

    /** Commands whose answer nobody waits for on the spot: they go out pipelined with the others. */
    RedisAsyncCommands<String, String> async() {
        return connection().async();
    }

    private synchronized StatefulRedisConnection<String, String> connection() {
        if (connection == null) {
            connection = client.connect(); // throws RedisConnectionException while Redis is down
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
