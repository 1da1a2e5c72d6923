package io.forkpool.worker;

import io.forkpool.worker.protocol.Message;

/** What a worker's reader thread reports to its pool. */
sealed interface WorkerEvent<T> {

    /** A worker answered the shard it was given ({@link Message.Done} or {@link Message.Failed}). */
    record Answered<T>(Worker<T> worker, Assignment<T> assignment, Message answer) implements WorkerEvent<T> {}

    /**
     * A worker is gone (crash, kill, garbage, deadline); {@code inFlight} is the shard it held,
     * or null. {@code reason} is a metric tag, {@code detail} is for people.
     */
    record Lost<T>(Worker<T> worker, Assignment<T> inFlight, String reason, String detail) implements WorkerEvent<T> {}
}
