package io.forkpool.pool;

import io.forkpool.dispatch.Dispatcher;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Part of readiness: the service is ready only while its worker pool can take shards. */
@Component("workers")
class WorkerPoolHealth implements HealthIndicator {

    private final Dispatcher dispatcher;

    WorkerPoolHealth(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public Health health() {
        var workers = dispatcher.workers();
        long ready = workers.stream()
                .filter(w -> w.state() == io.forkpool.worker.Worker.State.IDLE
                        || w.state() == io.forkpool.worker.Worker.State.BUSY)
                .count();
        var health = dispatcher.isReady() ? Health.up() : Health.down();
        return health.withDetail("ready", ready)
                .withDetail("size", workers.size())
                .build();
    }
}
