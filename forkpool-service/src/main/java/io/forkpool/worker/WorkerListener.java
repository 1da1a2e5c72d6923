package io.forkpool.worker;

import io.forkpool.worker.protocol.Message;

/**
 * The one party a {@link WorkerPool} tells what its workers did; calls come on the worker's
 * reader thread. The pool has already replaced a lost worker when it reports it, so a listener
 * never calls back into the pool for that.
 */
public interface WorkerListener<T> {

    /** {@code worker} answered its assignment ({@link Message.Done} or {@link Message.Failed}); it holds nothing now. */
    void answered(Worker<T> worker, Assignment<T> assignment, Message answer);

    /**
     * {@code worker} is gone and will not be used again; {@code inFlight} is what it held, or null.
     * {@code reason} is a metric tag ({@code crash}, {@code timeout}, ...), {@code detail} is for people.
     */
    void lost(Worker<T> worker, Assignment<T> inFlight, String reason, String detail);
}
