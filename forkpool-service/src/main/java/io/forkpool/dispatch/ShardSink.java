package io.forkpool.dispatch;

import io.forkpool.plugin.JobRequest;

/** Where the outcomes of a job's shards go: what the dispatcher and ShardOutcomes tell the job. */
public interface ShardSink {

    JobRequest request();

    boolean isFinished();

    /** A shard of this job is going to a worker now. */
    void dispatched();

    /** A shard's answer (its partial as the kind's codec wrote it); called once per arriving answer, by ShardOutcomes, one call at a time. */
    void shardDone(int shard, byte[] partial, long computeNanos);

    /** A shard failed on its last allowed try: the job fails. */
    void shardFailed(int shard, String problem);

    /** A shard is dropped unrun because its job has ended (a shared transport acknowledges it). */
    default void skipped(int shard) {}

    /** The job's id, for whoever shows what a worker holds; null where the work has none. */
    default String jobId() {
        return null;
    }

    /**
     * The W3C {@code traceparent} of the job's span where it was opened on another replica (a
     * shared store carries it with the job); null where the work has none or it is unknown.
     */
    default String traceparent() {
        return null;
    }

    /** The tenant the job belongs to: whose fair share its shards are counted in. */
    default String tenant() {
        return io.forkpool.tenant.Tenant.DEFAULT_NAME;
    }

    /** The job's priority within its tenant. */
    default Priority priority() {
        return Priority.NORMAL;
    }

    /** A try of one of its shards ended, whichever way: kept for the job's shard timeline. */
    default void attemptEnded(ShardAttempt attempt) {}
}
