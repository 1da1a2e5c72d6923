package io.forkpool.dispatch;

import io.forkpool.catalog.KindSettings;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.WorkerSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker pool and the dispatcher that feeds it from the backend's shard transport (backend/BackendConfiguration). */
@Configuration(proxyBeanMethods = false)
class DispatchConfiguration {

    /** Closed after the dispatcher (which stops it first): no worker outlives the context, even a failed one. */
    @Bean(destroyMethod = "close")
    WorkerPool<ShardTask> workerPool(WorkerSettings workers, KindSettings kinds, ForkpoolMetrics metrics) {
        return new WorkerPool<>(workers, kinds.dir(), metrics);
    }

    @Bean
    Dispatcher dispatcher(
            WorkerPool<ShardTask> pool,
            ShardSettings settings,
            ForkpoolMetrics metrics,
            ShardTransport shards,
            ObjectProvider<AttemptListener> attempts) {
        var dispatcher =
                new Dispatcher(pool, settings, metrics, shards, attempts.getIfAvailable(() -> AttemptListener.NONE));
        dispatcher.prestart(); // workers start and warm while the rest of the context is built
        return dispatcher;
    }

    /** The spares start once the service is ready: their warm-up would compete with its start. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> sparesWhenReady(Dispatcher dispatcher) {
        return ready -> dispatcher.startSpares();
    }
}
