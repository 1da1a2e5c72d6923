package io.forkpool.dispatch;

import io.forkpool.plugin.JobRequest;

/** What the dispatcher needs of a job: its shards to hand out and where their answers go. */
public interface ShardedWork {

    JobRequest request();

    /** The next shard never handed out, or -1 when there is none or the job has ended. */
    int nextShard();

    /** Shards not yet handed out once. */
    long shardsLeft();

    boolean isFinished();

    /** A shard of this job is going to a worker now. */
    void dispatched();

    /** A shard's answer (its partial as the kind's codec wrote it); called once per arriving answer, by the aggregator, one call at a time. */
    void shardDone(int shard, byte[] partial, long computeNanos);

    /** A shard failed on its last allowed try: the job fails. */
    void shardFailed(int shard, String problem);

    /** A shard is dropped unrun because its job has ended (a shared transport acknowledges it). */
    default void skipped(int shard) {}

    /** The job's id, for whoever shows what a worker holds; null where the work has none. */
    default String jobId() {
        return null;
    }

    /** A try of one of its shards ended, whichever way: kept for the job's shard timeline. */
    default void attemptEnded(ShardAttempt attempt) {}
}
