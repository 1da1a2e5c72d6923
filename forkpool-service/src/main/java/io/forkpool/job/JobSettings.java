package io.forkpool.job;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.jobs.*}: how long finished jobs are kept.
 *
 * @param retention how long a finished job stays readable
 * @param maxRetained how many finished jobs are kept at most (oldest go first); on disk in the
 *     durable store, on the heap in the memory backend (set it lower there)
 * @param shutdownGrace on SIGTERM, how long running jobs may go on; then they stay RUNNING in the
 *     durable store and resume at the next start (the memory backend fails them "interrupted by
 *     shutdown"); keep it below the platform's termination grace period
 */
@ConfigurationProperties("forkpool.jobs")
public record JobSettings(
        @DefaultValue("1h") Duration retention,
        @DefaultValue("1000000") int maxRetained,
        @DefaultValue("20s") Duration shutdownGrace) {}
