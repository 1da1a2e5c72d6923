package io.forkpool.job;

import io.forkpool.plugin.JobRequest;

/**
 * Told of each job as this replica admits it, on the admitting thread (the request's), before its
 * shards can run: tracing opens the job's span there, in the request's trace. A job that is not
 * kept after all (refused, or an Idempotency-Key's earlier job returned instead) is named again.
 */
public interface AdmissionListener {

    /** {@code id} is about to go to the store. */
    void admitting(String id, JobRequest request);

    /** {@code id} was not kept: the store refused it, or returned an earlier job for the same key. */
    void notKept(String id);
}
