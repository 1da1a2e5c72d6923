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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Keeps the open span of each job admitted here, keyed by job id: opened in the submitting
 * request's trace, ended when the store says the job ended. Each shard try becomes a child span
 * drawn after the fact from the try's own start and end, so nothing is held while a worker computes.
 */
@Component
class JobSpans implements AdmissionListener, AttemptListener {

    private final Tracer tracer;
    private final Map<String, Span> open = new ConcurrentHashMap<>();

    JobSpans(Tracer tracer, JobStore store) {
        this.tracer = tracer;
        store.listen(this::changed);
    }

    @Override
    public void admitting(String id, JobRequest request) {
        var span = tracer.nextSpan() // the request's span is current: the job joins its trace
                .name("forkpool.job")
                .tag("forkpool.job.id", id)
                .tag("forkpool.job.kind", request.type())
                .tag("forkpool.job.shards", request.shardCount())
                .start();
        open.put(id, span);
    }

    @Override
    public void notKept(String id) {
        var span = open.remove(id);
        if (span != null) {
            span.abandon();
        }
    }

    @Override
    public void ended(ShardSink work, ShardAttempt attempt) {
        String jobId = work.jobId();
        Span job = jobId == null ? null : open.get(jobId);
        if (job == null) {
            return; // admitted elsewhere, or not a job of the API (the service's own warm-up)
        }
        var span = tracer.spanBuilder()
                .setParent(job.context())
                .name("forkpool.shard")
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
        if (!job.status().isFinal()) {
            return;
        }
        var span = open.remove(job.id());
        if (span == null) {
            return;
        }
        span.tag("forkpool.job.status", job.status().name());
        if (job.error() != null) {
            span.tag("forkpool.job.error", job.error());
        }
        span.end();
    }

    /** Open job spans (tests). */
    int openSpans() {
        return open.size();
    }

    private static long micros(Instant at) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }
}
