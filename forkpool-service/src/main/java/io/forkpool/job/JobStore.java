package io.forkpool.job;

import io.forkpool.plugin.JobRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where jobs live and how their shards reach the workers. The durable store ({@code store/}, the
 * default) keeps them in a database in the data folder and runs them in this JVM;
 * {@link InMemoryJobStore} keeps them in this JVM only (throw-away runs, tests); the redis backend
 * keeps them in Redis, shared by every replica, so any replica answers for any job. Every backend
 * runs the same contract test.
 */
public interface JobStore {

    /**
     * Records a new job (QUEUED) and queues its shards; with {@code timeoutSeconds}, the job FAILS
     * "timed out" that long after, once, whichever replica is alive then. Throws
     * {@link JobRejectedException.Full} when {@code maxActive} jobs are already unfinished, or when
     * the store cannot be reached.
     *
     * <p>With an idempotency key ({@code key}, else null): if the key came before with the same body
     * and its job is still kept, returns that job and records nothing; with another body, throws
     * {@link JobRejectedException.KeyReused}. Atomic in the store: two requests with one key, on
     * any replicas at once, make one job. The key is forgotten with its job.
     *
     * <p>{@code notify}, a webhook URL or null, is kept with the job (across a restart too), for
     * whoever posts its end.
     */
    Job.Snapshot submit(String id, JobRequest request, Integer timeoutSeconds, String notify, int maxActive, Keyed key);

    /** A job whose end posts no webhook. */
    default Job.Snapshot submit(String id, JobRequest request, Integer timeoutSeconds, int maxActive, Keyed key) {
        return submit(id, request, timeoutSeconds, null, maxActive, key);
    }

    default Job.Snapshot submit(String id, JobRequest request, Integer timeoutSeconds, int maxActive) {
        return submit(id, request, timeoutSeconds, maxActive, null);
    }

    /** An Idempotency-Key and a digest of the body it came with (what "the same body" means). */
    record Keyed(String key, String body) {}

    Optional<Job.Snapshot> find(String id);

    /** One page of the jobs that match (null = any), newest first, and how many match in all. */
    Page page(JobStatus status, String type, int page, int size);

    record Page(List<Job.Snapshot> jobs, long total) {}

    /** Cancels the job unless it has ended; the job as it is after, or empty if unknown. */
    Optional<Job.Snapshot> cancel(String id);

    /** Ends the job FAILED unless it has already ended; returns whether this call ended it. */
    boolean fail(String id, String problem);

    /** Waits up to {@code timeout} for the job to end; the job as it is then. */
    Optional<Job.Snapshot> await(String id, Duration timeout) throws InterruptedException;

    /** Jobs queued or running now (in a shared store: on all replicas). */
    int active();

    /**
     * Unfinished jobs that die with this process, so shutdown must end them: all of them in memory,
     * none in a shared store, where the other replicas finish them.
     */
    List<String> endWithThisProcess();

    /**
     * Unfinished jobs running on this process's workers, which shutdown gives its grace to finish:
     * by default those that die with it.
     */
    default List<String> runningHere() {
        return endWithThisProcess();
    }

    /** Whether unfinished jobs stay in the store across a stop or a crash and resume at the next start. */
    default boolean resumesAfterRestart() {
        return false;
    }

    /**
     * Stops recording changes (shutdown, after the grace): what happens to the jobs from now on,
     * as the workers stop, is not kept, so they resume at the next start as they were.
     */
    default void suspend() {}

    /** Whether other replicas share this store (then they, too, run its jobs). */
    default boolean shared() {
        return false;
    }

    /** Forgets these jobs (the service's own warm-up jobs), cancelling any not ended. */
    default void forget(java.util.Collection<String> ids) {}

    /** Forgets finished jobs past their retention. */
    void expire();

    /**
     * Adds a listener that hears of a job starting to run and of its end, on the replica where that
     * happened (once per end across replicas); listeners hear in the order they were added and must not block.
     */
    void listen(Consumer<Job.Snapshot> changes);

    /**
     * A store shared by replicas keeps, with each job submitted here, the trace context {@code
     * traceparentOf} gives for its id (null: none), so that the replicas computing its shards draw
     * their spans in the job's trace ({@code ShardSink.traceparent}). Others need not.
     */
    default void carryTraces(java.util.function.Function<String, String> traceparentOf) {}

    /**
     * A store shared by replicas tells {@code ids} the id of each job it hears has ended on any
     * replica (this one too; at most once, maybe never), off its I/O threads. Others need not: every
     * end happens here and {@link #listen} hears it.
     */
    default void listenToEnds(Consumer<String> ids) {}

    /** Whether the store answers now (readiness). */
    boolean isAvailable();

    /** The tries of a job's shards (its timeline), or empty if the job is unknown or this store keeps none. */
    default Optional<ShardLog.View> shards(String id) {
        return Optional.empty();
    }
}
