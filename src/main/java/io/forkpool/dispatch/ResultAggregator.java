package io.forkpool.dispatch;

import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.worker.WorkerEvent;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.protocol.Message;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one consumer of the shared result queue (the tutorial's {@code queue.get()} loop): merges
 * answers into their jobs, frees workers, and turns failures into retries or failed jobs. One
 * thread, so a job's merge state needs no lock against other merges.
 */
final class ResultAggregator implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ResultAggregator.class);

    private final BlockingQueue<WorkerEvent> results = new LinkedBlockingQueue<>();
    private final ShardTransport shards;
    private final ShardSettings settings;
    private final ForkpoolMetrics metrics;
    private WorkerPool pool;

    ResultAggregator(ShardTransport shards, ShardSettings settings, ForkpoolMetrics metrics) {
        this.shards = shards;
        this.settings = settings;
        this.metrics = metrics;
    }

    void attach(WorkerPool pool) {
        this.pool = pool;
    }

    /** Where workers put their answers. */
    void offer(WorkerEvent event) {
        results.add(event);
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                handle(results.take());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("aggregator failed on an event; it goes on", e);
            }
        }
    }

    private void handle(WorkerEvent event) {
        switch (event) {
            case WorkerEvent.Answered(var worker, var assignment, Message.Done done) -> {
                pool.release(worker);
                var task = (ShardTask) assignment.work();
                metrics.shardComputed(task.work().request().type(), done.computeNanos(),
                        task.work().request().shardUnits(task.shard()));
                task.work().shardDone(task.shard(), done.partial(), done.computeNanos());
            }
            case WorkerEvent.Answered(var worker, var assignment, Message.Failed failed) -> {
                pool.release(worker);
                retryOrFail((ShardTask) assignment.work(), "error", failed.reason());
            }
            case WorkerEvent.Answered answered -> log.warn("ignored answer {}", answered.answer());
            case WorkerEvent.Lost(var worker, var inFlight, var reason, var detail) -> {
                log.warn("{} lost ({}): {}{}", worker, reason, detail,
                        inFlight == null ? "" : "; it held shard " + ((ShardTask) inFlight.work()).shard());
                pool.replace(worker, reason);
                if (inFlight != null) {
                    retryOrFail((ShardTask) inFlight.work(), reason, detail);
                }
            }
        }
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
            task.work().shardFailed(task.shard(), "shard " + task.shard() + " failed " + settings.maxAttempts()
                    + " times; last cause (" + reason + "): " + detail);
        }
    }
}
