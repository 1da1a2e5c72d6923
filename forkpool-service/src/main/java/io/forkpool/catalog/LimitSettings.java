package io.forkpool.catalog;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code forkpool.limits.*}: the size of what one request may ask.
 *
 * @param maxSamples largest samples/rolls of one job
 * @param maxBody largest request body
 */
@ConfigurationProperties("forkpool.limits")
public record LimitSettings(
        @DefaultValue("10000000000000") long maxSamples,
        @DefaultValue("64KB") DataSize maxBody) {}
