package io.forkpool.job;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.jobs.*}: how long finished jobs are kept.
 *
 * @param retention how long a finished job stays readable
 * @param maxRetained how many finished jobs are kept at most (oldest go first)
 */
@ConfigurationProperties("forkpool.jobs")
public record JobSettings(@DefaultValue("1h") Duration retention, @DefaultValue("10000") int maxRetained) {}
