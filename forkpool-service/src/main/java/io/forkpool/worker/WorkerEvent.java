package io.forkpool.worker;

import io.forkpool.worker.protocol.Message;

/** What the pool reports on the shared result queue. */
public sealed interface WorkerEvent {

    /** A worker answered the shard it was given ({@link Message.Done} or {@link Message.Failed}). */
    record Answered(Worker worker, Assignment assignment, Message answer) implements WorkerEvent {}

    /**
     * A worker is gone (crash, kill, garbage, deadline); {@code inFlight} is the shard it held,
     * or null. {@code reason} is a metric tag, {@code detail} is for people.
     */
    record Lost(Worker worker, Assignment inFlight, String reason, String detail) implements WorkerEvent {}
}
