package io.forkpool.job;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.plugin.InvalidRequestException;
import tools.jackson.databind.node.ObjectNode;
import io.forkpool.metrics.ForkpoolMetrics;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Admits jobs: validates them, fills defaults and a seed, refuses when full, honours
 * Idempotency-Key, and hands the job to the {@link JobStore}. Also cancels and forgets old jobs.
 */
@Component
class JobRunner {

    private final QueueSettings queue;
    private final RequestBinder binder;
    private final JobStore store;
    private final ForkpoolMetrics metrics;
    private final RandomGenerator seeds = RandomGenerator.of("L64X128MixRandom");
    private final ConcurrentHashMap<String, Keyed> idempotencyKeys = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;
    private final ScheduledExecutorService deadlines =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("job-deadlines").factory());

    private record Keyed(RequestBinder.Draft request, String jobId) {}

    JobRunner(QueueSettings queue, RequestBinder binder, JobStore store, ForkpoolMetrics metrics) {
        this.queue = queue;
        this.binder = binder;
        this.store = store;
        this.metrics = metrics;
        store.listen(this::changed);
        metrics.jobsActive(store, JobStore::active);
    }

    /**
     * Submits a job from its JSON body (without {@code timeoutSeconds}); with a key already used for
     * the same body, returns that job instead.
     */
    Job.Snapshot submit(ObjectNode body, Integer timeoutSeconds, String idempotencyKey) {
        RequestBinder.Draft raw;
        try {
            raw = binder.bind(body);
        } catch (InvalidRequestException e) {
            metrics.jobRejected("invalid");
            throw new JobRejectedException.Invalid(e.errors());
        }
        if (idempotencyKey == null) {
            return admit(raw, timeoutSeconds);
        }
        // compute() holds this key's bin while the job is admitted: concurrent POSTs with one key
        // make one job, and a failed admission leaves the key free.
        var answer = new java.util.concurrent.atomic.AtomicReference<Job.Snapshot>();
        idempotencyKeys.compute(idempotencyKey, (key, seen) -> {
            if (seen != null) {
                Optional<Job.Snapshot> job = store.find(seen.jobId());
                if (job.isPresent()) {
                    if (!sameRequest(seen.request(), raw)) {
                        throw new JobRejectedException.KeyReused();
                    }
                    answer.set(job.get());
                    return seen;
                }
            }
            Job.Snapshot job = admit(raw, timeoutSeconds);
            answer.set(job);
            return new Keyed(raw, job.id());
        });
        return answer.get();
    }

    private Job.Snapshot admit(RequestBinder.Draft raw, Integer timeoutSeconds) {
        if (!accepting) {
            metrics.jobRejected("shutdown");
            throw new JobRejectedException.Full("shutdown", "the service is shutting down");
        }
        long seed;
        synchronized (seeds) {
            seed = seeds.nextLong();
        }
        Job.Snapshot job;
        try {
            job = store.submit(UUID.randomUUID().toString(), raw.withSeed(seed), timeoutSeconds, queue.maxJobs());
        } catch (JobRejectedException.Full e) {
            metrics.jobRejected(e.reason());
            throw e;
        }
        metrics.jobSubmitted(raw.kind().name());
        if (timeoutSeconds != null) {
            String id = job.id();
            deadlines.schedule(() -> store.fail(id, "timed out after " + timeoutSeconds + " s"),
                    timeoutSeconds, TimeUnit.SECONDS);
        }
        return job;
    }

    Optional<Job.Snapshot> cancel(String id) {
        return store.cancel(id);
    }

    /** Stops admitting jobs (shutdown); later POSTs get 503. */
    void stopAccepting() {
        accepting = false;
    }

    @Scheduled(fixedDelayString = "${forkpool.jobs.sweep-interval:10s}")
    void expire() {
        store.expire();
        idempotencyKeys.values().removeIf(k -> store.find(k.jobId()).isEmpty());
    }

    /** The raw bodies are compared: same key and same body means the same job. */
    private static boolean sameRequest(RequestBinder.Draft first, RequestBinder.Draft again) {
        return first.equals(again);
    }

    private void changed(Job.Snapshot s) {
        String type = s.request().type();
        if (s.status() == JobStatus.RUNNING && s.queued() != null) {
            metrics.jobQueueWait(type, s.queued());
        } else if (s.status().isFinal()) {
            if (s.queued() == null && s.startedAt() == null) {
                metrics.jobQueueWait(type, s.total());
            }
            metrics.jobFinished(type, s.status().name(), s.total());
        }
    }
}
