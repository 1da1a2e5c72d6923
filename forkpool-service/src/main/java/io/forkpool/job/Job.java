package io.forkpool.job;

import io.forkpool.dispatch.Priority;
import io.forkpool.dispatch.ShardSink;
import io.forkpool.dispatch.ShardSource;
import io.forkpool.plugin.JobRequest;
import io.forkpool.tenant.Tenant;
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
    private final Instant submittedAt;
    private final int shardsTotal;
    private final BitSet merged;
    private final CompletableFuture<Job> finished = new CompletableFuture<>();
    private final Consumer<Job> onChange;
    private final Consumer<Job> ending;
    private final Integer timeoutSeconds;
    /** Where the job's end is posted (a webhook), or null. */
    private final String notifyUrl;

    private final ShardLog shardLog;
    /** A durable store's log of partials (a shard counts once its partial is saved there), or null. */
    private final PartialLog partials;
    /** The batch it was submitted in, or null. */
    private final String batch;
    /** The tenant that submitted it (its owner). */
    private final String tenant;

    private final Priority priority;

    private JobStatus status = JobStatus.QUEUED;
    private int nextShard;
    /** Shards merged before a restart that the cursor has not reached yet (it skips them). */
    private int mergedAhead;

    private int shardsDone;
    /**
     * The merge that counts: of every shard merged, or, for a job with a precision target, of the
     * in-order prefix of shards 0 to {@code prefix - 1} (its result is the job's).
     */
    private Object sum;
    /** Work units of the shards in {@code sum}. */
    private long sumUnits;
    /** A job with a target: shards merged in order so far, and those merged past them, waiting. */
    private int prefix;

    private final java.util.TreeMap<Integer, Object> ahead = new java.util.TreeMap<>();
    /** The last partial result made (lazily, on a read, at most every {@link #PARTIAL_EVERY_NANOS}). */
    private PartialResult partialResult;

    private long partialMadeAt;
    /** Set when {@link #resume} ended the job (its target met by the saved shards): announced later. */
    private boolean endedOnResume;

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
        this(
                id,
                sequence,
                request,
                timeoutSeconds,
                null,
                ending,
                onChange,
                new ShardLog.Budget(TimelineSettings.DEFAULTS));
    }

    /** {@code attempts}: the store's budget of shard tries kept one by one for timelines. */
    Job(
            String id,
            long sequence,
            JobRequest request,
            Integer timeoutSeconds,
            String notify,
            Consumer<Job> ending,
            Consumer<Job> onChange,
            ShardLog.Budget attempts) {
        this(id, sequence, request, timeoutSeconds, notify, Instant.now(), ending, onChange, attempts, null, null);
    }

    /**
     * A job of a durable store: submitted at {@code submittedAt} (earlier than now when it resumes
     * after a restart), its shards counted once {@code partials} has saved them (null: counted at
     * once), posted to {@code notify} when it ends (null: no webhook), submitted in batch
     * {@code batch} (null: on its own).
     */
    public Job(
            String id,
            long sequence,
            JobRequest request,
            Integer timeoutSeconds,
            String notify,
            Instant submittedAt,
            Consumer<Job> ending,
            Consumer<Job> onChange,
            ShardLog.Budget attempts,
            PartialLog partials,
            String batch) {
        this(
                id,
                sequence,
                request,
                timeoutSeconds,
                notify,
                submittedAt,
                ending,
                onChange,
                attempts,
                partials,
                batch,
                Tenant.DEFAULT_NAME,
                Priority.NORMAL);
    }

    /** As above, owned by {@code tenant} (null: the default tenant), its shards handed out at {@code priority}. */
    public Job(
            String id,
            long sequence,
            JobRequest request,
            Integer timeoutSeconds,
            String notify,
            Instant submittedAt,
            Consumer<Job> ending,
            Consumer<Job> onChange,
            ShardLog.Budget attempts,
            PartialLog partials,
            String batch,
            String tenant,
            Priority priority) {
        this.batch = batch;
        this.tenant = tenant == null ? Tenant.DEFAULT_NAME : tenant;
        this.priority = priority == null ? Priority.NORMAL : priority;
        this.shardLog = new ShardLog(attempts);
        this.submittedAt = submittedAt;
        this.partials = partials;
        this.id = id;
        this.ending = ending;
        this.timeoutSeconds = timeoutSeconds;
        this.notifyUrl = notify;
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
    public String tenant() {
        return tenant;
    }

    @Override
    public Priority priority() {
        return priority;
    }

    @Override
    public void attemptEnded(io.forkpool.dispatch.ShardAttempt attempt) {
        shardLog.record(attempt);
    }

    /** The tries of its shards so far, for the timeline. */
    public ShardLog shardLog() {
        return shardLog;
    }

    public long sequence() {
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

    /** The webhook URL the job's end is posted to, or null. */
    public String notifyUrl() {
        return notifyUrl;
    }

    public Instant submittedAt() {
        return submittedAt;
    }

    /** The batch it was submitted in, or null. */
    public String batch() {
        return batch;
    }

    /** Completes with this job when it ends, whichever way. */
    public CompletableFuture<Job> finished() {
        return finished;
    }

    /** A running job's partial result is made again at most this often (5 a second), only when read. */
    static final long PARTIAL_EVERY_NANOS = 200_000_000L;

    /**
     * The kind's {@code finish} of the shards merged so far, with the shards and samples it covers:
     * shown while the job runs (kinds that opt in), and kept when it is cancelled.
     */
    public record PartialResult(Record result, long samples, int shards) {

        /**
         * A stored partial result: of a job with a target, the in-order prefix its {@code samples}
         * cover (shards merged past it are not in it); of another, every shard merged ({@code merged}).
         */
        public static PartialResult stored(JobRequest request, Record result, long samples, int merged) {
            if (request.until() == null) {
                return new PartialResult(result, samples, merged);
            }
            int prefix = 0;
            for (long covered = 0; covered < samples && prefix < request.shardCount(); prefix++) {
                covered += request.shardUnits(prefix);
            }
            return new PartialResult(result, samples, prefix);
        }
    }

    /**
     * The partial result now: made from {@code sum} if the last one is older than
     * {@link #PARTIAL_EVERY_NANOS} and shards merged since (so a merge never pays for it, and a
     * job read often pays at most 5 finishes a second). Holds the lock.
     */
    private PartialResult partialResult() {
        if (!request.partialResults() || sum == null) {
            return null;
        }
        if (status == JobStatus.RUNNING || status == JobStatus.QUEUED) {
            long now = System.nanoTime();
            boolean stale = partialResult == null
                    || (partialResult.shards() != shardsCounted() && now - partialMadeAt >= PARTIAL_EVERY_NANOS);
            if (stale) {
                partialResult = makePartial();
                partialMadeAt = now;
            }
        }
        return partialResult;
    }

    private PartialResult makePartial() {
        try {
            return new PartialResult(request.finish(sum), sumUnits, shardsCounted());
        } catch (RuntimeException e) {
            return partialResult; // a kind that cannot finish this merge yet: the last one stands
        }
    }

    /** Shards in {@code sum}. */
    private int shardsCounted() {
        return request.until() != null ? prefix : shardsDone;
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
                computeNanos,
                notifyUrl,
                batch,
                status == JobStatus.SUCCEEDED || status == JobStatus.FAILED ? null : partialResult(),
                tenant,
                priority);
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
            long computeNanos,
            String notifyUrl,
            String batch,
            PartialResult partialResult,
            String tenant,
            Priority priority) {

        public Snapshot {
            tenant = tenant == null ? Tenant.DEFAULT_NAME : tenant;
            priority = priority == null ? Priority.NORMAL : priority;
        }

        /** A job of the default tenant at normal priority. */
        public Snapshot(
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
                long computeNanos,
                String notifyUrl,
                String batch,
                PartialResult partialResult) {
            this(
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
                    computeNanos,
                    notifyUrl,
                    batch,
                    partialResult,
                    null,
                    null);
        }

        /** A job without a partial result (finished, or of a kind that shows none). */
        public Snapshot(
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
                long computeNanos,
                String notifyUrl,
                String batch) {
            this(
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
                    computeNanos,
                    notifyUrl,
                    batch,
                    null);
        }

        /** This snapshot with {@code partial} as its partial result (every other field, its tenant too, kept). */
        public Snapshot withPartialResult(PartialResult partial) {
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
                    computeNanos,
                    notifyUrl,
                    batch,
                    partial,
                    tenant,
                    priority);
        }

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
        while (mergedAhead > 0 && nextShard < shardsTotal && merged.get(nextShard)) {
            nextShard++; // merged before a restart: not computed again
            mergedAhead--;
        }
        return status.isFinal() || nextShard >= shardsTotal ? -1 : nextShard++;
    }

    @Override
    public synchronized long shardsLeft() {
        return status.isFinal() ? 0 : shardsTotal - nextShard - mergedAhead;
    }

    /**
     * After a restart: the job was RUNNING since {@code startedAt} (null: still QUEUED), and these
     * shards' partials were saved before; they are merged in shard order and not computed again.
     * Call before its shards are queued; {@link #finishIfComplete} then ends a job that had them all.
     */
    public synchronized void resume(Instant startedAt, java.util.SortedMap<Integer, Saved> saved) {
        if (startedAt != null) {
            this.startedAt = startedAt;
            become(JobStatus.RUNNING);
        }
        for (var shard : saved.entrySet()) {
            if (!status.isFinal() && shard.getKey() < shardsTotal) {
                mergedAhead++;
                endedOnResume |= merge(
                        shard.getKey(),
                        shard.getValue().partial(),
                        shard.getValue().computeNanos());
            }
        }
    }

    /** A shard's partial as a durable store saved it. */
    public record Saved(byte[] partial, long computeNanos) {}

    /** Ends a resumed job whose every shard was merged before the restart (announced like any end). */
    public void finishIfComplete() {
        boolean ended;
        synchronized (this) {
            ended = endedOnResume || (!status.isFinal() && shardsDone == shardsTotal && finishMerged());
            endedOnResume = false;
        }
        if (ended) {
            announceEnd();
        }
    }

    /** The merge of every shard so far as the kind's partial bytes (what a store keeps of a result), or null. */
    public synchronized byte[] mergedPartial() {
        return sum == null ? null : request.encodePartial(sum);
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
        if (partials != null) {
            synchronized (this) {
                if (status.isFinal() || merged.get(shard)) {
                    return;
                }
            }
            // counted only once durable: the store merges it when its commit is done
            partials.save(this, shard, bytes, nanos, () -> mergeSaved(shard, bytes, nanos));
            return;
        }
        mergeSaved(shard, bytes, nanos);
    }

    private void mergeSaved(int shard, byte[] bytes, long nanos) {
        boolean ended;
        synchronized (this) {
            ended = merge(shard, bytes, nanos);
        }
        if (ended) {
            announceEnd();
        }
    }

    /** Merges one shard's partial (at most once); returns whether the job ended by it. Holds the lock. */
    private boolean merge(int shard, byte[] bytes, long nanos) {
        if (status.isFinal() || merged.get(shard)) {
            return false;
        }
        merged.set(shard);
        shardsDone++;
        computeNanos += nanos;
        try {
            Object partial = request.decodePartial(bytes);
            if (request.until() != null) {
                return mergeInOrder(shard, partial);
            }
            sum = sum == null ? partial : request.merge(sum, partial);
            sumUnits += request.shardUnits(shard);
        } catch (RuntimeException e) {
            end(
                    JobStatus.FAILED,
                    "kind " + request.type() + ", shard " + shard + ": its partial could not be merged: " + e);
            return true;
        }
        return shardsDone == shardsTotal && finishMerged();
    }

    /**
     * The prefix rule of a job with a target: a shard past the in-order prefix waits; one that
     * extends it is merged, then those waiting behind it, and after each the prefix's result is
     * checked against the target. The job ends at the first prefix that meets it (its result is
     * that prefix's, whatever shards arrived past it, so 1 or 64 workers, retries or not, give
     * the same shards and bits), or at the cap when the last shard joins. Holds the lock.
     */
    private boolean mergeInOrder(int shard, Object partial) {
        ahead.put(shard, partial);
        while (!ahead.isEmpty() && ahead.firstKey() == prefix) {
            Object next = ahead.pollFirstEntry().getValue();
            sum = sum == null ? next : request.merge(sum, next);
            sumUnits += request.shardUnits(prefix);
            prefix++;
            if (prefix == shardsTotal) {
                return finishMerged(); // the cap: every shard, met or not
            }
            Record prefixResult;
            try {
                prefixResult = request.finish(sum);
            } catch (RuntimeException e) {
                continue; // too few samples for the kind to answer: not met
            }
            if (request.meetsTarget(prefixResult)) {
                ahead.clear();
                shardsDone = prefix; // the shards the result is made of
                result = prefixResult;
                if (startedAt == null) {
                    startedAt = Instant.now();
                    become(JobStatus.RUNNING);
                }
                end(JobStatus.SUCCEEDED, null);
                return true;
            }
        }
        return false;
    }

    /** Every shard merged: the result, or FAILED if the kind cannot finish it. Holds the lock. */
    private boolean finishMerged() {
        if (startedAt == null) {
            startedAt = Instant.now(); // a job resumed with every shard saved while still QUEUED
            become(JobStatus.RUNNING);
        }
        try {
            result = request.finish(sum);
            end(JobStatus.SUCCEEDED, null);
        } catch (RuntimeException e) {
            end(JobStatus.FAILED, "kind " + request.type() + ": could not finish the result: " + e.getMessage());
        }
        return true;
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

    /** What a cancelled job says when it keeps its partial result. */
    public static final String CANCELLED_WITH_PARTIAL =
            "cancelled by request; partialResult is the result of the shards merged before";

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
        if (end == JobStatus.CANCELLED && request.partialResults() && sum != null) {
            partialResult = makePartial(); // what it had: kept with the cancelled job
            if ("cancelled by request".equals(problem)) {
                problem = CANCELLED_WITH_PARTIAL;
            }
        }
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
