package io.forkpool.job;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code forkpool.queue.*}: queued plus running jobs before a POST is refused with 503. */
@ConfigurationProperties("forkpool.queue")
record QueueSettings(@DefaultValue("1000") int maxJobs) {}
