package io.forkpool.redis;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spring.data.redis.*}, the properties Spring Boot users know, bound here because the
 * redis backend makes its own Lettuce client (Boot's Redis auto-configuration is excluded: it
 * would connect in the embedded backend too). Only these five are read.
 *
 * @param host Redis's host
 * @param port its port
 * @param database the database index
 * @param password its password; none if empty or unset
 * @param timeout how long one command may take before it fails
 */
@ConfigurationProperties("spring.data.redis")
public record RedisConnection(
        @DefaultValue("localhost") String host,
        @DefaultValue("6379") int port,
        @DefaultValue("0") int database,
        String password,
        @DefaultValue("2s") Duration timeout) {}
