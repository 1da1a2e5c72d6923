package io.forkpool.backend;

import io.forkpool.dispatch.ShardTransport;
import io.forkpool.job.JobStore;
import io.forkpool.pool.WorkerDirectory;

/**
 * What a backend provides (chosen by {@code backend/BackendConfiguration} from
 * {@code forkpool.backend}): where jobs are kept, how their shards reach the workers, and what
 * to close at shutdown (after every bean that uses them).
 *
 * @param store the jobs
 * @param shards the dispatcher's source of shards
 * @param resources closed last (the redis backend's connections)
 * @param workers where the replicas publish their workers ({@link WorkerDirectory#NONE} when embedded)
 */
record Backend(JobStore store, ShardTransport shards, AutoCloseable resources, WorkerDirectory workers)
        implements AutoCloseable {

    /** A backend of one replica: no worker directory. */
    Backend(JobStore store, ShardTransport shards, AutoCloseable resources) {
        this(store, shards, resources, WorkerDirectory.NONE);
    }

    @Override
    public void close() throws Exception {
        resources.close();
    }
}
