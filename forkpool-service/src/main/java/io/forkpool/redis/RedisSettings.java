package io.forkpool.redis;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.redis.*}: what the redis backend adds to its connection ({@link RedisConnection}).
 *
 * @param keyPrefix the first part of every key it writes (several forkpools may share one Redis)
 */
@ConfigurationProperties("forkpool.redis")
public record RedisSettings(@DefaultValue("forkpool") String keyPrefix) {}
