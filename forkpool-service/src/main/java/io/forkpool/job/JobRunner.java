package io.forkpool.job;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Admits jobs: validates them, fills defaults and a seed, refuses when full, and hands the job
 * to the {@link JobStore}, which keeps its Idempotency-Key and its deadline (on Redis: for every
 * replica). Also cancels and forgets old jobs.
 */
@Component
class JobRunner {

    private final QueueSettings queue;
    private final RequestBinder binder;
    private final JobStore store;
    private final ForkpoolMetrics metrics;
    private final RandomGenerator seeds = RandomGenerator.of("L64X128MixRandom");
    private volatile boolean accepting = true;
    private final ObjectMapper json;

    JobRunner(QueueSettings queue, RequestBinder binder, JobStore store, ForkpoolMetrics metrics, ObjectMapper json) {
        this.json = json;
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
        if (!accepting) {
            metrics.jobRejected("shutdown");
            throw new JobRejectedException.Full("shutdown", "the service is shutting down");
        }
        long seed;
        synchronized (seeds) {
            seed = seeds.nextLong();
        }
        var keyed = idempotencyKey == null ? null : new JobStore.Keyed(idempotencyKey, digest(raw, timeoutSeconds));
        String id = UUID.randomUUID().toString();
        Job.Snapshot job;
        try {
            job = store.submit(id, raw.withSeed(seed), timeoutSeconds, queue.maxJobs(), keyed);
        } catch (JobRejectedException.Full e) {
            metrics.jobRejected(e.reason());
            throw e;
        }
        if (job.id().equals(id)) {
            metrics.jobSubmitted(raw.kind().name());
        }
        return job;
    }

    /**
     * What "the same body" means for an Idempotency-Key: the kind, its fields as sent (so field
     * order, spacing and explicit nulls do not matter), the seed if sent, and the job's deadline.
     */
    private String digest(RequestBinder.Draft raw, Integer timeoutSeconds) {
        String canonical = raw.kind().name() + "\n" + json.writeValueAsString(raw.given()) + "\n" + raw.seed() + "\n"
                + timeoutSeconds;
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
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
