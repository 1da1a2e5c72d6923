package io.forkpool.job;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.jobs.*}: how long finished jobs are kept.
 *
 * @param retention how long a finished job stays readable
 * @param maxRetained how many finished jobs are kept at most (oldest go first)
 * @param shutdownGrace on SIGTERM, how long running jobs may go on before they fail
 *     "interrupted by shutdown" (keep it below the platform's termination grace period)
 */
@ConfigurationProperties("forkpool.jobs")
public record JobSettings(
        @DefaultValue("1h") Duration retention,
        @DefaultValue("10000") int maxRetained,
        @DefaultValue("20s") Duration shutdownGrace) {}
