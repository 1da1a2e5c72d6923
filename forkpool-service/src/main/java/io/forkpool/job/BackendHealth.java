package io.forkpool.job;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Part of readiness, not of liveness: a replica whose job store (Redis) is unreachable takes no
 * traffic, but restarting it would not bring the store back.
 */
@Component("backend")
class BackendHealth implements HealthIndicator {

    private final JobStore store;

    BackendHealth(JobStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        var health = store.isAvailable() ? Health.up() : Health.down();
        return health.withDetail("store", store.getClass().getSimpleName()).build();
    }
}
