package io.forkpool.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forkpool.dispatch.ShardQueue;
import io.forkpool.dispatch.ShardSettings;
import io.forkpool.job.InMemoryJobStore;
import io.forkpool.job.JobSettings;
import io.forkpool.job.TimelineSettings;
import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.redis.RedisConnection;
import io.forkpool.redis.RedisJobStore;
import io.forkpool.redis.RedisSettings;
import io.forkpool.store.DurableJobStore;
import io.forkpool.store.StoreSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.json.JsonMapper;

/** forkpool.backend is bound when the context starts (one AOT-processed jar serves both backends). */
class BackendConfigurationTest {

    private final MockEnvironment env = new MockEnvironment();
    private final JobSettings jobs = Binder.get(env).bindOrCreate("forkpool.jobs", JobSettings.class);
    private final TimelineSettings timeline = Binder.get(env).bindOrCreate("forkpool.timeline", TimelineSettings.class);
    private final ShardSettings shards = new ShardSettings(Duration.ofSeconds(60), 3);

    private BackendSettings bind() {
        return Binder.get(env).bindOrCreate("forkpool", BackendSettings.class);
    }

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private Backend open(BackendSettings settings) {
        return new BackendConfiguration()
                .forkpoolBackend(
                        settings,
                        jobs,
                        timeline,
                        shards,
                        new ForkpoolMetrics(meters),
                        JsonMapper.builder().build(),
                        TestJobs.binder(),
                        Binder.get(env).bindOrCreate("spring.data.redis", RedisConnection.class),
                        Binder.get(env).bindOrCreate("forkpool.redis", RedisSettings.class),
                        Binder.get(env).bindOrCreate("forkpool.store", StoreSettings.class),
                        new io.forkpool.tenant.Tenants(Binder.get(env)
                                .bindOrCreate("forkpool.security", io.forkpool.tenant.SecuritySettings.class)));
    }

    @TempDir
    Path data;

    @Test
    void embeddedByDefaultKeepsJobsInTheDataFolderAndShardsInThisJvm() throws Exception {
        env.setProperty("forkpool.store.dir", data.toString());
        assertThat(bind().backend()).isEqualTo(BackendSettings.Choice.EMBEDDED);
        try (var backend = open(bind())) {
            assertThat(backend.store()).isInstanceOf(DurableJobStore.class);
            assertThat(backend.store().resumesAfterRestart()).isTrue();
            assertThat(backend.shards()).isInstanceOf(ShardQueue.class);
            assertThat(data.resolve("forkpool.db")).exists();
            assertThat(meters.get("forkpool.store.bytes").gauge().value())
                    .as("forkpool_store_bytes: the database and its log")
                    .isEqualTo((double) (bytes(data.resolve("forkpool.db")) + bytes(data.resolve("forkpool.db-wal"))))
                    .isPositive();
        }
    }

    private static long bytes(Path file) throws java.io.IOException {
        return java.nio.file.Files.exists(file) ? java.nio.file.Files.size(file) : 0;
    }

    @Test
    void memoryKeepsJobsInThisJvmOnly() throws Exception {
        env.setProperty("forkpool.backend", "memory");
        try (var backend = open(bind())) {
            assertThat(backend.store()).isInstanceOf(InMemoryJobStore.class);
            assertThat(backend.store().resumesAfterRestart()).isFalse();
            assertThat(backend.shards()).isInstanceOf(ShardQueue.class);
        }
    }

    @Test
    void redisIsChosenAtRunTimeAndConnectsOnlyWhenUsed() throws Exception {
        env.setProperty("forkpool.backend", " Redis ");
        env.setProperty("spring.data.redis.port", "1"); // nothing listens there: must not matter yet
        assertThat(bind().backend()).isEqualTo(BackendSettings.Choice.REDIS);
        try (var backend = open(bind())) {
            assertThat(backend.store()).isInstanceOf(RedisJobStore.class);
            assertThat(backend.store().isAvailable()).as("no Redis on port 1").isFalse();
        }
    }

    @Test
    void anUnknownBackendStopsTheStartNamingThePropertyAndTheValue() {
        env.setProperty("forkpool.backend", "postgres");
        assertThatThrownBy(this::bind)
                .isInstanceOf(BindException.class)
                .hasMessageContaining("forkpool.backend")
                .hasStackTraceContaining("postgres");
    }
}
