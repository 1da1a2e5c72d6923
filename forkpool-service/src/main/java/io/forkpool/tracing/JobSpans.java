package io.forkpool.tracing;

import io.forkpool.dispatch.AttemptListener;
import io.forkpool.dispatch.ShardAttempt;
import io.forkpool.dispatch.ShardSink;
import io.forkpool.job.AdmissionListener;
import io.forkpool.job.Job;
import io.forkpool.job.JobStore;
import io.forkpool.plugin.JobRequest;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Keeps the open span of each job admitted here, keyed by job id: opened in the submitting
 * request's trace, ended when the store says the job ended. Each shard try becomes a child span
 * drawn after the fact from the try's own start and end, so nothing is held while a worker computes.
 * On a store shared by replicas the job's {@code traceparent} goes with the job, so a try on
 * another replica joins the job's span as its child, and the end of a job heard from any replica
 * ends its span here; a span whose job is gone (expired, or its end never heard) is ended by a sweep.
 */
@Component
class JobSpans implements AdmissionListener, AttemptListener, DisposableBean {

    /** How often, and past what age, open spans are checked against their job. */
    static final Duration SWEEP = Duration.ofSeconds(10);

    private final Tracer tracer;
    private final Propagator propagator;
    private final JobStore store;
    private final Map<String, Open> open = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("job-spans").factory());

    private record Open(Span span, long openedNanos) {}

    JobSpans(Tracer tracer, Propagator propagator, JobStore store) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.store = store;
        store.listen(this::changed);
        store.carryTraces(this::traceparent);
        store.listenToEnds(this::endedSomewhere);
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void admitting(String id, JobRequest request) {
        var span = tracer.nextSpan() // the request's span is current: the job joins its trace
                .name("forkpool.job")
                .tag("forkpool.job.id", id)
                .tag("forkpool.job.kind", request.type())
                .tag("forkpool.job.shards", request.shardCount())
                .start();
        open.put(id, new Open(span, System.nanoTime()));
    }

    @Override
    public void notKept(String id) {
        var span = open.remove(id);
        if (span != null) {
            span.span().abandon();
        }
    }

    @Override
    public void ended(ShardSink work, ShardAttempt attempt) {
        String jobId = work.jobId();
        if (jobId == null) {
            return; // not a job of the API (the service's own warm-up)
        }
        Open job = open.get(jobId);
        Span.Builder builder;
        if (job != null) {
            builder = tracer.spanBuilder().setParent(job.span().context());
        } else if (work.traceparent() != null) { // admitted on another replica
            builder = propagator.extract(Map.of("traceparent", work.traceparent()), Map::get);
        } else {
            return; // admitted elsewhere without a trace, or not a job of the API
        }
        var span = builder.name("forkpool.shard")
                .tag("forkpool.job.id", jobId)
                .tag("forkpool.shard.index", attempt.shard())
                .tag("forkpool.shard.attempt", attempt.attempt())
                .tag("forkpool.shard.outcome", attempt.outcome())
                .tag("forkpool.worker.pid", attempt.pid())
                .tag("forkpool.worker.slot", attempt.worker())
                .startTimestamp(micros(attempt.start()), TimeUnit.MICROSECONDS)
                .start();
        if (attempt.replica() != null) {
            span.tag("forkpool.replica", attempt.replica());
        }
        span.end(micros(attempt.end()), TimeUnit.MICROSECONDS);
    }

    private void changed(Job.Snapshot job) {
        if (job.status().isFinal()) {
            end(job.id(), job);
        }
    }

    /** The W3C traceparent of the job's span, if it was admitted here (the store keeps it with the job). */
    private String traceparent(String id) {
        Open job = open.get(id);
        if (job == null) {
            return null;
        }
        var carrier = new HashMap<String, String>();
        propagator.inject(job.span().context(), carrier, Map::put);
        return carrier.get("traceparent");
    }

    /** A shared store heard the job ended, maybe on another replica: its span ends here if open. */
    private void endedSomewhere(String id) {
        if (open.containsKey(id)) {
            check(id);
        }
    }

    /** Ends the spans of jobs that ended unheard or are gone: the map holds only live jobs. */
    private void sweep() {
        long before = System.nanoTime() - SWEEP.toNanos();
        for (var e : open.entrySet()) {
            if (e.getValue().openedNanos() - before < 0) {
                check(e.getKey());
            }
        }
    }

    private void check(String id) {
        try {
            var job = store.find(id);
            if (job.isEmpty()) {
                end(id, null);
            } else if (job.get().status().isFinal()) {
                end(id, job.get());
            }
        } catch (RuntimeException e) {
            // the store cannot answer now: the next sweep asks again
        }
    }

    /** Ends the job's span once, whoever calls first; {@code job} null: gone from the store. */
    private void end(String id, Job.Snapshot job) {
        var open = this.open.remove(id);
        if (open == null) {
            return;
        }
        var span = open.span();
        span.tag("forkpool.job.status", job == null ? "GONE" : job.status().name());
        if (job != null && job.error() != null) {
            span.tag("forkpool.job.error", job.error());
        }
        span.end();
    }

    /** Open job spans (tests). */
    int openSpans() {
        return open.size();
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
    }

    private static long micros(Instant at) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }
}
