package io.forkpool;

import io.forkpool.dispatch.ShardSettings;
import io.forkpool.dispatch.ShardTransport;
import io.forkpool.job.Backend;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStore;
import io.forkpool.job.TimelineSettings;
import io.forkpool.job.WorkerDirectory;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.redis.RedisBackend;
import io.forkpool.catalog.RequestBinder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code forkpool.backend} (embedded or redis), read when the context starts. Not a
 * {@code @ConditionalOnProperty}: the packaged service runs in Spring AOT mode, whose bean
 * definitions are fixed when the jar is built, and one jar must serve both backends.
 */
@Configuration(proxyBeanMethods = false)
class BackendConfiguration {

    /** Named so: "backend" is the readiness health indicator's name (BackendHealth). */
    @Bean(destroyMethod = "close")
    Backend forkpoolBackend(@Value("${forkpool.backend:embedded}") String backend, Environment env, ObjectMapper json,
            RequestBinder binder, JobSettings jobs, ShardSettings shards, ForkpoolMetrics metrics) {
        return switch (backend.trim().toLowerCase(java.util.Locale.ROOT)) {
            // read from env rather than as a parameter: callers of this method (tests) stay as they are
            case "embedded" -> Backend.embedded(jobs, Binder.get(env).bindOrCreate("forkpool.timeline",
                    TimelineSettings.class));
            case "redis" -> RedisBackend.open(env, json, binder, jobs, shards, metrics);
            default -> throw new IllegalStateException(
                    "forkpool.backend must be 'embedded' or 'redis', not '" + backend + "'");
        };
    }

    @Bean
    JobStore jobStore(Backend backend) {
        return backend.store();
    }

    @Bean
    ShardTransport shardTransport(Backend backend) {
        return backend.shards();
    }

    @Bean
    WorkerDirectory workerDirectory(Backend backend) {
        return backend.workers();
    }
}
