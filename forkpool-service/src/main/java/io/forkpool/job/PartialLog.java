package io.forkpool.job;

/**
 * Where a durable store saves each shard's partial before its job counts it: a job ended by a
 * crash resumes from the partials saved here, so no merged shard is computed again.
 */
public interface PartialLog {

    /** Saves a shard's partial; runs {@code saved} once it is durable (on the store's thread, in order). */
    void save(Job job, int shard, byte[] partial, long computeNanos, Runnable saved);
}
