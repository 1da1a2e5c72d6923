package io.forkpool.job;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.FieldError;
import io.forkpool.plugin.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
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
    private final ObjectProvider<AdmissionListener> admissions;
    private final NotifyTargets targets;

    JobRunner(
            QueueSettings queue,
            RequestBinder binder,
            JobStore store,
            ForkpoolMetrics metrics,
            ObjectMapper json,
            ObjectProvider<AdmissionListener> admissions,
            NotifyTargets targets) {
        this.json = json;
        this.admissions = admissions;
        this.targets = targets;
        this.queue = queue;
        this.binder = binder;
        this.store = store;
        this.metrics = metrics;
        store.listen(this::changed);
        metrics.jobsActive(store, JobStore::active);
    }

    /**
     * Submits a job from its JSON body (without {@code timeoutSeconds}, given apart, null if the body
     * had none); with a key already used for the same body, returns that job instead. A bad
     * timeout is named together with the body's own bad fields.
     */
    Job.Snapshot submit(ObjectNode body, JsonNode timeoutField, String idempotencyKey) {
        return submit(body, timeoutField, null, idempotencyKey);
    }

    /** As above, with the body's {@code notify} given apart too (null if absent, see {@link NotifyTargets}). */
    Job.Snapshot submit(ObjectNode body, JsonNode timeoutField, JsonNode notifyField, String idempotencyKey) {
        var errors = new ArrayList<FieldError>();
        String notify = targets.check(notifyField, errors);
        Integer timeoutSeconds = null;
        if (timeoutField != null && !timeoutField.isNull()) {
            if (timeoutField.isIntegralNumber() && timeoutField.asLong() >= 1 && timeoutField.asLong() <= 86_400) {
                timeoutSeconds = timeoutField.asInt();
            } else {
                errors.add(new FieldError("timeoutSeconds", "must be an integer between 1 and 86400"));
            }
        }
        RequestBinder.Draft raw = null;
        try {
            raw = binder.bind(body);
        } catch (InvalidRequestException e) {
            errors.addAll(e.errors());
        }
        if (raw == null || !errors.isEmpty()) {
            metrics.jobRejected("invalid");
            throw new JobRejectedException.Invalid(errors);
        }
        if (!accepting) {
            metrics.jobRejected("shutdown");
            throw new JobRejectedException.Full("shutdown", "the service is shutting down");
        }
        long seed;
        synchronized (seeds) {
            seed = seeds.nextLong();
        }
        var keyed = idempotencyKey == null
                ? null
                : new JobStore.Keyed(idempotencyKey, digest(raw, timeoutSeconds) + notify);
        String id = UUID.randomUUID().toString();
        var request = raw.withSeed(seed);
        admissions.forEach(a -> a.admitting(id, request));
        Job.Snapshot job;
        try {
            job = store.submit(id, request, timeoutSeconds, notify, queue.maxJobs(), keyed);
        } catch (RuntimeException e) {
            admissions.forEach(a -> a.notKept(id));
            if (e instanceof JobRejectedException.Full full) {
                metrics.jobRejected(full.reason());
            }
            throw e;
        }
        if (job.id().equals(id)) {
            metrics.jobSubmitted(raw.kind().name());
        } else {
            admissions.forEach(a -> a.notKept(id));
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
