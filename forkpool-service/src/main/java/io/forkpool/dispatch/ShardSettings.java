package io.forkpool.dispatch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.shards.*}.
 *
 * @param timeout deadline of one try of a shard; past it the worker is killed and the shard retried
 * @param maxAttempts tries of one shard before its job fails
 */
@ConfigurationProperties("forkpool.shards")
public record ShardSettings(
        @DefaultValue("60s") Duration timeout,
        @DefaultValue("3") int maxAttempts) {}
