package io.forkpool.job;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events of one job: a {@code progress} event whenever the shard count moved (at most
 * every 200 ms, however many shards a job has), with the partial result and convergence of a kind
 * that shows them, then one {@code job} event with the final job.
 */
@Component
class JobEvents {

    private static final long PERIOD_MS = 200;

    private final JobStore store;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("job-events").factory());

    JobEvents(JobStore store) {
        this.store = store;
    }

    /** Polls the store, so a job running on any replica can be followed from this one. */
    SseEmitter follow(String id) {
        var emitter = new SseEmitter(Duration.ofHours(24).toMillis());
        var lastDone = new AtomicReference<Integer>(-1);
        var tick = new AtomicReference<ScheduledFuture<?>>();
        Runnable send = () -> {
            try {
                var found = store.find(id);
                if (found.isEmpty()) {
                    emitter.complete(); // expired meanwhile
                    stop(tick);
                    return;
                }
                var view = JobView.of(found.get());
                if (view.status().isFinal()) {
                    emitter.send(SseEmitter.event().name("job").data(view, MediaType.APPLICATION_JSON));
                    emitter.complete();
                    stop(tick);
                } else if (view.progress().shardsDone() != lastDone.get()) {
                    lastDone.set(view.progress().shardsDone());
                    emitter.send(SseEmitter.event()
                            .name("progress")
                            .data(
                                    new Progress(
                                            view.status(),
                                            view.progress().shardsDone(),
                                            view.progress().shardsTotal(),
                                            view.partialResult(),
                                            view.convergence()),
                                    MediaType.APPLICATION_JSON));
                }
            } catch (IOException | RuntimeException e) {
                stop(tick); // the client went away, or the store did
                emitter.completeWithError(e);
            }
        };
        tick.set(ticker.scheduleWithFixedDelay(send, 0, PERIOD_MS, TimeUnit.MILLISECONDS));
        emitter.onCompletion(() -> stop(tick));
        emitter.onTimeout(() -> stop(tick));
        emitter.onError(e -> stop(tick));
        return emitter;
    }

    private static void stop(AtomicReference<ScheduledFuture<?>> tick) {
        var future = tick.get();
        if (future != null) {
            future.cancel(false);
        }
    }

    record Progress(
            JobStatus status,
            int shardsDone,
            int shardsTotal,
            JobView.PartialView partialResult,
            JobView.Convergence convergence) {}
}
