package io.forkpool.redis;

import io.forkpool.dispatch.ShardSettings;
import io.forkpool.job.JobSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code forkpool.backend=redis}: jobs and shards in the Redis named by the usual
 * {@code spring.data.redis.*} properties. Spring's own Redis auto-configuration stays off (see
 * application.yaml), so the embedded default never needs a Redis.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "forkpool.backend", havingValue = "redis")
class RedisConfiguration {

    @Bean(destroyMethod = "shutdown")
    RedisClient redisClient(@Value("${spring.data.redis.host:localhost}") String host,
            @Value("${spring.data.redis.port:6379}") int port,
            @Value("${spring.data.redis.password:}") String password,
            @Value("${spring.data.redis.database:0}") int database,
            @Value("${spring.data.redis.timeout:2s}") Duration timeout) {
        var uri = RedisURI.builder().withHost(host).withPort(port).withDatabase(database).withTimeout(timeout);
        if (!password.isEmpty()) {
            uri.withPassword(password.toCharArray());
        }
        var client = RedisClient.create(uri.build());
        // Fail at once while disconnected (POST → 503, readiness DOWN) instead of queueing commands.
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
        return client;
    }

    @Bean
    RedisKeys redisKeys(@Value("${forkpool.redis.key-prefix:forkpool}") String prefix) {
        return new RedisKeys(prefix);
    }

    @Bean(destroyMethod = "close")
    RedisLink redisLink(RedisClient client) {
        return new RedisLink(client);
    }

    @Bean
    RedisJobStore redisJobStore(RedisLink redis, RedisKeys keys, ObjectMapper json, JobSettings settings) {
        return new RedisJobStore(redis, keys, json, settings);
    }

    @Bean(destroyMethod = "close")
    StreamShards streamShards(RedisClient client, RedisLink redis, RedisKeys keys, RedisJobStore jobs,
            ShardSettings settings) {
        return new StreamShards(redis, new RedisLink(client), keys, jobs, settings, consumerName());
    }

    /** Unique per process: a restarted pod is a new consumer, its old one is reaped. */
    private static String consumerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "replica";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
