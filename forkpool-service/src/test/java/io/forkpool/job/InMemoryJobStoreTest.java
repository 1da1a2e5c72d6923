package io.forkpool.job;

import io.forkpool.dispatch.ShardQueue;
import io.forkpool.dispatch.ShardTransport;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;

/** The embedded backend against the contract every backend meets. */
class InMemoryJobStoreTest extends JobStoreContract {

    private ShardQueue shards;
    private InMemoryJobStore store;

    @BeforeEach
    void fresh() {
        shards = new ShardQueue();
        store = new InMemoryJobStore(new JobSettings(Duration.ofHours(1), 100, Duration.ofSeconds(1)), shards);
    }

    @Override
    protected JobStore store() {
        return store;
    }

    @Override
    protected ShardTransport shards() {
        return shards;
    }
}
