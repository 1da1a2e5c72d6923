package io.forkpool.job;

import io.forkpool.dispatch.Dispatcher;
import io.forkpool.kind.JobRequest;
import io.forkpool.kind.Limits;
import io.forkpool.metrics.ForkpoolMetrics;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Admits jobs: validates them, fills defaults and a seed, refuses when full, honours
 * Idempotency-Key, and hands the job to the dispatcher. Also cancels and forgets old jobs.
 */
@Component
class JobRunner {

    private final QueueSettings queue;
    private final LimitSettings limits;
    private final JobStore store;
    private final Dispatcher dispatcher;
    private final ForkpoolMetrics metrics;
    private final AtomicLong sequence = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
    private final RandomGenerator seeds = RandomGenerator.of("L64X128MixRandom");
    private final ConcurrentHashMap<String, Keyed> idempotencyKeys = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;
    private final ScheduledExecutorService deadlines =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("job-deadlines").factory());

    private record Keyed(JobRequest request, String jobId) {}

    JobRunner(QueueSettings queue, LimitSettings limits, JobStore store, Dispatcher dispatcher, ForkpoolMetrics metrics) {
        this.queue = queue;
        this.limits = limits;
        this.store = store;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        metrics.jobsActive(active, java.util.concurrent.atomic.AtomicInteger::get);
    }

    /** Submits a job; with a key already used for the same body, returns that job instead. */
    Job submit(JobRequest raw, Integer timeoutSeconds, String idempotencyKey) {
        var errors = raw.validate(new Limits(limits.maxSamples()));
        if (!errors.isEmpty()) {
            metrics.jobRejected("invalid");
            throw new JobRejectedException.Invalid(errors);
        }
        if (idempotencyKey != null) {
            Keyed seen = idempotencyKeys.get(idempotencyKey);
            if (seen != null) {
                Optional<Job> job = store.find(seen.jobId());
                if (job.isPresent()) {
                    if (!sameRequest(seen.request(), raw)) {
                        throw new JobRejectedException.KeyReused();
                    }
                    return job.get();
                }
            }
        }
        if (!accepting) {
            metrics.jobRejected("shutdown");
            throw new JobRejectedException.Full("shutdown", "the service is shutting down");
        }
        if (active.incrementAndGet() > queue.maxJobs()) {
            active.decrementAndGet();
            metrics.jobRejected("queue_full");
            throw new JobRejectedException.Full("queue_full",
                    "the service already has " + queue.maxJobs() + " jobs queued or running");
        }
        long seed;
        synchronized (seeds) {
            seed = seeds.nextLong();
        }
        var job = new Job(UUID.randomUUID().toString(), sequence.incrementAndGet(), raw.withDefaults(seed),
                timeoutSeconds, this::changed);
        store.add(job);
        if (idempotencyKey != null) {
            idempotencyKeys.put(idempotencyKey, new Keyed(raw, job.id()));
        }
        metrics.jobSubmitted(raw.type());
        if (timeoutSeconds != null) {
            var timer = deadlines.schedule(() -> job.fail("timed out after " + timeoutSeconds + " s"),
                    timeoutSeconds, TimeUnit.SECONDS);
            job.finished().thenRun(() -> timer.cancel(false));
        }
        dispatcher.submit(job);
        return job;
    }

    Optional<Job> cancel(String id) {
        var job = store.find(id);
        job.ifPresent(Job::cancel);
        return job;
    }

    /** Stops admitting jobs (shutdown); later POSTs get 503. */
    void stopAccepting() {
        accepting = false;
    }

    /** Jobs queued or running now. */
    int active() {
        return active.get();
    }

    @Scheduled(fixedDelayString = "${forkpool.jobs.sweep-interval:10s}")
    void expire() {
        store.expire();
        idempotencyKeys.values().removeIf(k -> store.find(k.jobId()).isEmpty());
    }

    /** The raw bodies are compared: same key and same body means the same job. */
    private static boolean sameRequest(JobRequest first, JobRequest again) {
        return first.equals(again);
    }

    private void changed(Job job) {
        var s = job.snapshot();
        String type = s.request().type();
        if (s.status() == JobStatus.RUNNING && s.queued() != null) {
            metrics.jobQueueWait(type, s.queued());
        } else if (s.status().isFinal()) {
            active.decrementAndGet();
            if (s.queued() == null && s.startedAt() == null) {
                metrics.jobQueueWait(type, s.total());
            }
            metrics.jobFinished(type, s.status().name(), s.total());
        }
    }
}
