package io.forkpool.job;

import io.forkpool.dispatch.ShardQueue;
import io.forkpool.dispatch.ShardTransport;

/**
 * The backend that {@code forkpool.backend} names: where jobs are kept, how their shards reach
 * the workers, and what to close at shutdown (after every bean that uses them).
 *
 * @param store the jobs
 * @param shards the dispatcher's source of shards
 * @param resources closed last (the redis backend's connections)
 * @param workers where the replicas publish their workers ({@link WorkerDirectory#NONE} when embedded)
 */
public record Backend(JobStore store, ShardTransport shards, AutoCloseable resources, WorkerDirectory workers)
        implements AutoCloseable {

    /** A backend of one replica: no worker directory. */
    public Backend(JobStore store, ShardTransport shards, AutoCloseable resources) {
        this(store, shards, resources, WorkerDirectory.NONE);
    }

    /** {@code forkpool.backend=embedded}: jobs in this JVM, their shards on this JVM's queue. */
    public static Backend embedded(JobSettings settings) {
        return embedded(settings, TimelineSettings.DEFAULTS);
    }

    /** The same, keeping as many shard tries for the timelines as {@code timeline} says. */
    public static Backend embedded(JobSettings settings, TimelineSettings timeline) {
        var queue = new ShardQueue();
        return new Backend(new InMemoryJobStore(settings, queue, timeline), queue, () -> {});
    }

    @Override
    public void close() throws Exception {
        resources.close();
    }
}
