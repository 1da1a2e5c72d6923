package io.forkpool.job;

import io.forkpool.dispatch.ShardSink;
import io.forkpool.dispatch.ShardSource;
import io.forkpool.plugin.JobRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One job and everything known about it. State changes go through {@link #become}, which
 * enforces {@link JobStatus}'s table; a shard's answer is merged at most once, whatever
 * retries delivered it twice.
 */
public final class Job implements ShardSource, ShardSink {

    private final String id;
    private final long sequence;
    private final JobRequest request;
    private final Instant submittedAt = Instant.now();
    private final int shardsTotal;
    private final BitSet merged;
    private final CompletableFuture<Job> finished = new CompletableFuture<>();
    private final Consumer<Job> onChange;
    private final Consumer<Job> ending;
    private final Integer timeoutSeconds;
    private final ShardLog shardLog;

    private JobStatus status = JobStatus.QUEUED;
    private int nextShard;
    private int shardsDone;
    private Object sum;
    private long computeNanos;
    private Instant startedAt;
    private Instant finishedAt;
    private Record result;
    private String error;

    /**
     * {@code onChange} hears of the first dispatch and of the end, for metrics and bookkeeping;
     * {@code ending} is told, under this job's lock, just before the job turns final, so that a
     * store can make room first (it must not lock another job).
     */
    Job(
            String id,
            long sequence,
            JobRequest request,
            Integer timeoutSeconds,
            Consumer<Job> ending,
            Consumer<Job> onChange) {
        this(id, sequence, request, timeoutSeconds, ending, onChange, new ShardLog.Budget(TimelineSettings.DEFAULTS));
    }

    /** {@code attempts}: the store's budget of shard tries kept one by one for timelines. */
    Job(
            String id,
            long sequence,
            JobRequest request,
            Integer timeoutSeconds,
            Consumer<Job> ending,
            Consumer<Job> onChange,
            ShardLog.Budget attempts) {
        this.shardLog = new ShardLog(attempts);
        this.id = id;
        this.ending = ending;
        this.timeoutSeconds = timeoutSeconds;
        this.sequence = sequence;
        this.request = request;
        this.shardsTotal = request.shardCount();
        this.merged = new BitSet(shardsTotal);
        this.onChange = onChange;
    }

    public String id() {
        return id;
    }

    @Override
    public String jobId() {
        return id;
    }

    @Override
    public void attemptEnded(io.forkpool.dispatch.ShardAttempt attempt) {
        shardLog.record(attempt);
    }

    /** The tries of its shards so far, for the timeline. */
    ShardLog shardLog() {
        return shardLog;
    }

    long sequence() {
        return sequence;
    }

    @Override
    public JobRequest request() {
        return request;
    }

    /** The job's own deadline from submission, or null. */
    public Integer timeoutSeconds() {
        return timeoutSeconds;
    }

    public Instant submittedAt() {
        return submittedAt;
    }

    /** Completes with this job when it ends, whichever way. */
    public CompletableFuture<Job> finished() {
        return finished;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(
                id,
                request,
                timeoutSeconds,
                status,
                shardsDone,
                shardsTotal,
                result,
                error,
                submittedAt,
                startedAt,
                finishedAt,
                computeNanos);
    }

    /** A consistent copy for readers on other threads. */
    public record Snapshot(
            String id,
            JobRequest request,
            Integer timeoutSeconds,
            JobStatus status,
            int shardsDone,
            int shardsTotal,
            Record result,
            String error,
            Instant submittedAt,
            Instant startedAt,
            Instant finishedAt,
            long computeNanos) {

        public Duration queued() {
            return startedAt == null ? null : Duration.between(submittedAt, startedAt);
        }

        public Duration run() {
            return startedAt == null || finishedAt == null ? null : Duration.between(startedAt, finishedAt);
        }

        public Duration total() {
            return finishedAt == null ? null : Duration.between(submittedAt, finishedAt);
        }
    }

    public synchronized JobStatus status() {
        return status;
    }

    @Override
    public synchronized boolean isFinished() {
        return status.isFinal();
    }

    @Override
    public synchronized int nextShard() {
        return status.isFinal() || nextShard >= shardsTotal ? -1 : nextShard++;
    }

    @Override
    public synchronized long shardsLeft() {
        return status.isFinal() ? 0 : shardsTotal - nextShard;
    }

    @Override
    public void dispatched() {
        boolean first;
        synchronized (this) {
            first = status == JobStatus.QUEUED;
            if (first) {
                startedAt = Instant.now();
                become(JobStatus.RUNNING);
            }
        }
        if (first) {
            onChange.accept(this);
        }
    }

    @Override
    public void shardDone(int shard, byte[] bytes, long nanos) {
        synchronized (this) {
            if (status.isFinal() || merged.get(shard)) {
                return;
            }
            merged.set(shard);
            shardsDone++;
            computeNanos += nanos;
            try {
                Object partial = request.decodePartial(bytes);
                sum = sum == null ? partial : request.merge(sum, partial);
                if (shardsDone < shardsTotal) {
                    return;
                }
            } catch (RuntimeException e) {
                end(
                        JobStatus.FAILED,
                        "kind " + request.type() + ", shard " + shard + ": its partial could not be merged: " + e);
            }
            if (!status.isFinal()) {
                try {
                    result = request.finish(sum);
                    end(JobStatus.SUCCEEDED, null);
                } catch (RuntimeException e) {
                    end(
                            JobStatus.FAILED,
                            "kind " + request.type() + ": could not finish the result: " + e.getMessage());
                }
            }
        }
        announceEnd();
    }

    @Override
    public void shardFailed(int shard, String problem) {
        fail(problem);
    }

    /** Ends the job FAILED unless it has already ended; returns whether this call ended it. */
    public boolean fail(String problem) {
        return endIfRunning(JobStatus.FAILED, problem);
    }

    /** Cancels: shards not yet sent are dropped, answers still arriving are ignored. */
    public boolean cancel() {
        return endIfRunning(JobStatus.CANCELLED, "cancelled by request");
    }

    private boolean endIfRunning(JobStatus end, String problem) {
        synchronized (this) {
            if (status.isFinal()) {
                return false;
            }
            end(end, problem);
        }
        announceEnd();
        return true;
    }

    private void end(JobStatus end, String problem) {
        ending.accept(this);
        become(end);
        error = problem;
        finishedAt = Instant.now();
    }

    /** Outside the lock: listeners may read the job. */
    private void announceEnd() {
        onChange.accept(this);
        finished.complete(this);
    }

    private void become(JobStatus next) {
        if (!status.canBecome(next)) {
            throw new IllegalStateException("job " + id + " cannot go from " + status + " to " + next);
        }
        status = next;
    }
}
