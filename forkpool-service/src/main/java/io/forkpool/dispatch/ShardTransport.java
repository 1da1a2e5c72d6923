package io.forkpool.dispatch;

/**
 * Where the dispatcher gets its shards: {@link ShardQueue}, this JVM's fair queue (embedded
 * backend), or a Redis Stream shared by every replica (redis backend). The dispatcher asks only
 * once it holds an idle worker, so a transport never takes more work than there are idle workers.
 */
public interface ShardTransport {

    /**
     * Blocks until a shard is there for the idle worker just taken. {@code idleWorkers} counts that
     * worker and the others idle now: a shared transport may read that many at once.
     */
    ShardTask take(int idleWorkers) throws InterruptedException;

    /**
     * A shard at once if one is there, else null; never blocks. Lets the thread that just merged a
     * worker's answer hand that worker its next shard itself (no wake-up of the dispatcher). A
     * transport that cannot answer without blocking returns null and the dispatcher takes over.
     */
    default ShardTask poll() {
        return null;
    }

    /**
     * Queues a job's shards, to go out in turn with every other job's: a transport of this JVM
     * ({@link ShardQueue}). A shared one refuses: its jobs enter through their store, which puts
     * their shards where every replica reads them.
     */
    default <W extends ShardSource & ShardSink> void add(W job) {
        throw new IllegalStateException("jobs of a shared transport enter through their store");
    }

    /** A shard to try again here, before fresh ones. */
    void retry(ShardTask task);

    /** Shards waiting for a worker. */
    long queued();

    /** The name of this replica among those sharing the transport, or null where none is shared. */
    default String replica() {
        return null;
    }
}
