package io.forkpool.dispatch;

import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.worker.Assignment;
import io.forkpool.worker.Worker;
import io.forkpool.worker.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of each try of a shard (the tutorial's {@code queue.get()} loop): an answer goes to
 * the shard's job ({@link ShardSink#shardDone}, which merges it), a failure or a lost worker
 * becomes a retry, or after max-attempts a failed shard. It runs on the worker's reader thread
 * that got the answer, not on a thread of its own behind a queue: a hand-off between threads
 * costs a wake-up (tens of µs, milliseconds on a busy machine) per shard. The dispatcher hands a
 * freed worker its next shard first, on the same thread, and only then is the answer handled
 * here, so the worker computes while the parent merges. Answers and failures take one lock, so a
 * job's merge state still sees one merge at a time.
 */
final class ShardOutcomes {

    private static final Logger log = LoggerFactory.getLogger(ShardOutcomes.class);

    private final Object merging = new Object();
    private final ShardTransport shards;
    private final ShardSettings settings;
    private final ForkpoolMetrics metrics;
    private final AttemptListener attempts;

    ShardOutcomes(ShardTransport shards, ShardSettings settings, ForkpoolMetrics metrics, AttemptListener attempts) {
        this.shards = shards;
        this.attempts = attempts;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** A worker's answer to its shard: merged into the job, or the shard retried; on the worker's reader thread. */
    void answered(Worker<ShardTask> worker, Assignment<ShardTask> assignment, Message answer) {
        var task = assignment.task();
        try {
            synchronized (merging) {
                switch (answer) {
                    case Message.Done done -> {
                        recordAttempt(worker, assignment, ShardAttempt.DONE);
                        metrics.shardComputed(
                                task.sink().request().type(),
                                task.sink().tenant(),
                                done.computeNanos(),
                                task.sink().request().shardUnits(task.shard()));
                        task.sink().shardDone(task.shard(), done.partial(), done.computeNanos());
                    }
                    case Message.Failed failed -> {
                        recordAttempt(worker, assignment, "failed");
                        retryOrFail(task, "error", failed.reason());
                    }
                    default -> log.warn("ignored answer {}", answer);
                }
            }
        } catch (RuntimeException e) {
            log.error("could not handle an answer; going on", e);
        }
    }

    /** A worker is gone (the pool has replaced it): the shard it held, if any, is retried or fails its job. */
    void lost(Worker<ShardTask> worker, Assignment<ShardTask> inFlight, String reason, String detail) {
        log.warn(
                "{} lost ({}): {}{}",
                worker,
                reason,
                detail,
                inFlight == null ? "" : "; it held shard " + inFlight.task().shard());
        if (inFlight == null) {
            return;
        }
        try {
            synchronized (merging) {
                recordAttempt(worker, inFlight, reason);
                retryOrFail(inFlight.task(), reason, detail);
            }
        } catch (RuntimeException e) {
            log.error("could not handle a lost worker; going on", e);
        }
    }

    /**
     * Tells the shard's job how this try went, for its timeline, then the attempt listener (tracing);
     * the send time is the assignment's.
     */
    private void recordAttempt(Worker<ShardTask> worker, Assignment<ShardTask> assignment, String outcome) {
        var task = assignment.task();
        var end = java.time.Instant.now();
        var start = end.minusNanos(Math.max(0, System.nanoTime() - assignment.sentNanos()));
        var attempt = new ShardAttempt(
                task.shard(), task.attempt(), worker.id(), worker.pid(), shards.replica(), start, end, outcome);
        task.sink().attemptEnded(attempt);
        try {
            attempts.ended(task.sink(), attempt);
        } catch (RuntimeException e) {
            log.warn("attempt listener failed on shard {}; it goes on", task.shard(), e);
        }
    }

    private void retryOrFail(ShardTask task, String reason, String detail) {
        if (task.sink().isFinished()) {
            task.sink().skipped(task.shard());
            return;
        }
        if (task.attempt() + 1 < settings.maxAttempts()) {
            metrics.shardRetried(reason);
            shards.retry(task.nextAttempt());
        } else {
            task.sink()
                    .shardFailed(
                            task.shard(),
                            "kind " + task.sink().request().type() + ", shard " + task.shard() + " failed "
                                    + settings.maxAttempts() + " times; last cause (" + reason + "): " + detail);
        }
    }
}
