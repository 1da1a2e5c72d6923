package io.forkpool;

import io.forkpool.kind.TestJobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forkpool.dispatch.ShardQueue;
import io.forkpool.dispatch.ShardSettings;
import io.forkpool.job.InMemoryJobStore;
import io.forkpool.job.JobSettings;
import io.forkpool.metrics.ForkpoolMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.forkpool.redis.RedisJobStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.json.JsonMapper;

/** forkpool.backend is read when the context starts (one AOT-processed jar serves both backends). */
class BackendConfigurationTest {

    private final MockEnvironment env = new MockEnvironment();
    private final JobSettings jobs = Binder.get(env).bindOrCreate("forkpool.jobs", JobSettings.class);
    private final ShardSettings shards = new ShardSettings(Duration.ofSeconds(60), 3);

    @Test
    void embeddedKeepsJobsAndShardsInThisJvm() throws Exception {
        try (var backend = new BackendConfiguration().forkpoolBackend("embedded", env, JsonMapper.builder().build(),
                TestJobs.binder(), jobs, shards, new ForkpoolMetrics(new SimpleMeterRegistry()))) {
            assertThat(backend.store()).isInstanceOf(InMemoryJobStore.class);
            assertThat(backend.shards()).isInstanceOf(ShardQueue.class);
        }
    }

    @Test
    void redisIsChosenAtRunTimeAndConnectsOnlyWhenUsed() throws Exception {
        env.setProperty("spring.data.redis.port", "1"); // nothing listens there: must not matter yet
        try (var backend = new BackendConfiguration().forkpoolBackend(" Redis ", env, JsonMapper.builder().build(),
                TestJobs.binder(), jobs, shards, new ForkpoolMetrics(new SimpleMeterRegistry()))) {
            assertThat(backend.store()).isInstanceOf(RedisJobStore.class);
            assertThat(backend.store().isAvailable()).as("no Redis on port 1").isFalse();
        }
    }

    @Test
    void anUnknownBackendStopsTheStartNamingTheProperty() {
        assertThatThrownBy(() -> new BackendConfiguration().forkpoolBackend("postgres", env,
                JsonMapper.builder().build(), TestJobs.binder(), jobs, shards, new ForkpoolMetrics(new SimpleMeterRegistry())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("forkpool.backend").hasMessageContaining("postgres");
    }
}
