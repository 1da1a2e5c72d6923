package io.forkpool.dispatch;

/**
 * A job whose shards this JVM's {@link ShardQueue} hands out, one at a time from a cursor (the
 * embedded backend). A shared transport hands out shards itself and needs no source.
 */
public interface ShardSource {

    /** The next shard never handed out, or -1 when there is none or the job has ended. */
    int nextShard();

    /** Shards not yet handed out once. */
    long shardsLeft();
}
