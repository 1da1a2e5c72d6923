package io.forkpool.backend;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.dispatch.ShardQueue;
import io.forkpool.dispatch.ShardSettings;
import io.forkpool.dispatch.ShardTransport;
import io.forkpool.job.InMemoryJobStore;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStore;
import io.forkpool.job.TimelineSettings;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.pool.WorkerDirectory;
import io.forkpool.redis.RedisBackend;
import io.forkpool.redis.RedisConnection;
import io.forkpool.redis.RedisJobStore;
import io.forkpool.redis.RedisSettings;
import io.forkpool.store.DurableJobStore;
import io.forkpool.store.StoreSettings;
import io.forkpool.tenant.Tenants;
import io.forkpool.webhook.DeliveryLog;
import io.forkpool.webhook.InMemoryDeliveryLog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/**
 * The one place that chooses the backend ({@link BackendSettings}), above the features it serves:
 * the {@code job} package gets its {@link JobStore}, {@code dispatch} its {@link ShardTransport},
 * both from the same choice. Not a {@code @ConditionalOnProperty}: the packaged service runs in
 * Spring AOT mode, whose bean definitions are fixed when the jar is built, and one jar must serve
 * both backends, so the choice is made when the context starts.
 */
@Configuration(proxyBeanMethods = false)
class BackendConfiguration {

    /** Named so: "backend" is the readiness health indicator's name (BackendHealth). */
    @Bean(destroyMethod = "close")
    Backend forkpoolBackend(
            BackendSettings settings,
            JobSettings jobs,
            TimelineSettings timeline,
            ShardSettings shards,
            ForkpoolMetrics metrics,
            ObjectMapper json,
            RequestBinder binder,
            RedisConnection redis,
            RedisSettings redisSettings,
            StoreSettings store,
            Tenants tenants) {
        return switch (settings.backend()) {
            case EMBEDDED -> durable(store, jobs, timeline, binder, json, metrics, new ShardQueue(tenants::weight));
            case MEMORY -> embedded(jobs, timeline, new ShardQueue(tenants::weight));
            // bound whichever backend runs; connects only here, and lazily
            case REDIS -> redis(RedisBackend.open(redis, redisSettings, json, binder, jobs, shards, metrics));
        };
    }

    /** Jobs in the data folder's database, run in this JVM from its fair queue. */
    static Backend durable(
            StoreSettings settings,
            JobSettings jobs,
            TimelineSettings timeline,
            RequestBinder binder,
            ObjectMapper json,
            ForkpoolMetrics metrics,
            ShardQueue queue) {
        var store = DurableJobStore.open(settings, jobs, timeline, queue, binder, json);
        metrics.storeBytes(store, DurableJobStore::bytes);
        return new Backend(store, queue, store);
    }

    /** Jobs in Redis, their shards on a Redis Stream that every replica reads. */
    static Backend redis(RedisBackend redis) {
        return new Backend(redis.store(), redis.shards(), redis, redis.workers());
    }

    /** Jobs in this JVM only, their shards on this JVM's fair queue. */
    static Backend embedded(JobSettings jobs, TimelineSettings timeline, ShardQueue queue) {
        return new Backend(new InMemoryJobStore(jobs, queue, timeline), queue, () -> {});
    }

    /** Where the webhook attempts are kept: beside the jobs, in the chosen backend. */
    @Bean
    DeliveryLog deliveryLog(Backend backend, JobSettings jobs) {
        return switch (backend.store()) {
            case DurableJobStore durable -> durable.deliveries();
            case RedisJobStore redis -> redis.deliveries();
            default -> new InMemoryDeliveryLog(jobs.maxRetained());
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
