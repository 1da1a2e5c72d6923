package io.forkpool.dispatch;

import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.worker.WorkerEvent;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every worker's answers go (the tutorial's {@code queue.get()} loop): merges answers into
 * their jobs, frees workers, and turns failures into retries or failed jobs. It runs on the
 * worker's reader thread that got the answer, not on a thread of its own behind a queue: a
 * hand-off between threads costs a wake-up (tens of µs, milliseconds on a busy machine) per
 * shard. A freed worker is first handed its next shard, on the same thread, and only then is the
 * answer merged, so the worker computes while the parent merges. Merges and failure handling
 * take one lock, so a job's merge state still sees one merge at a time.
 */
final class ResultAggregator {

    private static final Logger log = LoggerFactory.getLogger(ResultAggregator.class);

    private final Object merging = new Object();
    private final ShardTransport shards;
    private final ShardSettings settings;
    private final ForkpoolMetrics metrics;
    private WorkerPool pool;
    private java.util.function.Consumer<io.forkpool.worker.Worker> freed;

    ResultAggregator(ShardTransport shards, ShardSettings settings, ForkpoolMetrics metrics) {
        this.shards = shards;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** {@code freed} gets a worker that answered: it hands it the next shard or releases it. */
    void attach(WorkerPool pool, java.util.function.Consumer<io.forkpool.worker.Worker> freed) {
        this.pool = pool;
        this.freed = freed;
    }

    /** Where workers put their answers; called on the worker's reader thread. */
    void offer(WorkerEvent event) {
        try {
            if (event instanceof WorkerEvent.Answered(var worker, var assignment, var answer)) {
                freed.accept(worker); // next shard out first: the worker computes while we merge
            }
            synchronized (merging) {
                handle(event);
            }
        } catch (RuntimeException e) {
            log.error("aggregator failed on an event; it goes on", e);
        }
    }

    private void handle(WorkerEvent event) {
        switch (event) {
            case WorkerEvent.Answered(var worker, var assignment, Message.Done done) -> {
                var task = (ShardTask) assignment.work();
                recordAttempt(worker, assignment, ShardAttempt.DONE);
                metrics.shardComputed(task.work().request().type(), done.computeNanos(),
                        task.work().request().shardUnits(task.shard()));
                task.work().shardDone(task.shard(), done.partial(), done.computeNanos());
            }
            case WorkerEvent.Answered(var worker, var assignment, Message.Failed failed) -> {
                recordAttempt(worker, assignment, "failed");
                retryOrFail((ShardTask) assignment.work(), "error", failed.reason());
            }
            case WorkerEvent.Answered answered -> log.warn("ignored answer {}", answered.answer());
            case WorkerEvent.Lost(var worker, var inFlight, var reason, var detail) -> {
                if (pool.isClosed() && inFlight == null) {
                    log.debug("{} stopped with the pool: {}", worker, detail); // shutdown, not a crash
                    return;
                }
                log.warn("{} lost ({}): {}{}", worker, reason, detail,
                        inFlight == null ? "" : "; it held shard " + ((ShardTask) inFlight.work()).shard());
                pool.replace(worker, reason);
                if (inFlight != null) {
                    recordAttempt(worker, inFlight, reason);
                    retryOrFail((ShardTask) inFlight.work(), reason, detail);
                }
            }
        }
    }

    /** Tells the shard's job how this try went, for its timeline; the send time is the assignment's. */
    private static void recordAttempt(io.forkpool.worker.Worker worker, io.forkpool.worker.Assignment assignment,
            String outcome) {
        var task = (ShardTask) assignment.work();
        var end = java.time.Instant.now();
        var start = end.minusNanos(Math.max(0, System.nanoTime() - assignment.sentNanos()));
        task.work().attemptEnded(new ShardAttempt(task.shard(), task.attempt(), worker.id(), worker.pid(), null, start, end,
                outcome));
    }

    private void retryOrFail(ShardTask task, String reason, String detail) {
        if (task.work().isFinished()) {
            task.work().skipped(task.shard());
            return;
        }
        if (task.attempt() + 1 < settings.maxAttempts()) {
            metrics.shardRetried(reason);
            shards.retry(task.nextAttempt());
        } else {
            task.work().shardFailed(task.shard(), "kind " + task.work().request().type() + ", shard " + task.shard() + " failed " + settings.maxAttempts()
                    + " times; last cause (" + reason + "): " + detail);
        }
    }
}
