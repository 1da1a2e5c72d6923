package io.forkpool.job;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.timeline.*}: how many shard tries the embedded store keeps one by one for the jobs'
 * shard timelines ({@link ShardLog}); past either limit a job's timeline is summarised.
 *
 * @param perJob tries kept one by one per job
 * @param total tries kept one by one over all retained jobs (about 100 bytes each)
 */
@ConfigurationProperties("forkpool.timeline")
public record TimelineSettings(
        @DefaultValue("2000") int perJob,
        @DefaultValue("200000") long total) {

    public TimelineSettings {
        if (perJob < 0 || total < 0) {
            throw new IllegalArgumentException("forkpool.timeline.per-job and .total must be 0 or more");
        }
    }

    static final TimelineSettings DEFAULTS = new TimelineSettings(2000, 200_000);
}
