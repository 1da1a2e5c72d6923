package io.forkpool.job;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.dispatch.Priority;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.FieldError;
import io.forkpool.plugin.InvalidRequestException;
import io.forkpool.plugin.JobRequest;
import io.forkpool.tenant.Tenant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
public class JobAdmission {

    private final QueueSettings queue;
    private final RequestBinder binder;
    private final JobStore store;
    private final ForkpoolMetrics metrics;
    private final RandomGenerator seeds = RandomGenerator.of("L64X128MixRandom");
    private volatile boolean accepting = true;
    private final ObjectMapper json;
    private final ObjectProvider<AdmissionListener> admissions;
    private final NotifyTargets targets;

    JobAdmission(
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
        return submit(body, timeoutField, null, null, idempotencyKey, Tenant.DEFAULT);
    }

    /**
     * As above for {@code tenant}, with the body's {@code notify} (see {@link NotifyTargets}) and
     * {@code priority} given apart too (null if absent).
     */
    Job.Snapshot submit(
            ObjectNode body,
            JsonNode timeoutField,
            JsonNode notifyField,
            JsonNode priorityField,
            String idempotencyKey,
            Tenant tenant) {
        Prepared ready;
        try {
            ready = prepare(body, timeoutField, notifyField, priorityField);
        } catch (JobRejectedException.Invalid e) {
            metrics.jobRejected("invalid");
            throw e;
        }
        checkAccepting();
        var keyed = keyed(idempotencyKey, ready.digest(), tenant);
        String id = UUID.randomUUID().toString();
        admissions.forEach(a -> a.admitting(id, ready.request()));
        Job.Snapshot job;
        try {
            var submission = new JobStore.Submission(
                    id, ready.request(), ready.timeoutSeconds(), ready.notifyUrl(), ready.priority());
            job = store.submit(submission, queue.maxJobs(), keyed, tenant);
        } catch (RuntimeException e) {
            admissions.forEach(a -> a.notKept(id));
            rejected(e);
            throw e;
        }
        if (job.id().equals(id)) {
            metrics.jobSubmitted(ready.request().type(), tenant.name());
        } else {
            admissions.forEach(a -> a.notKept(id));
        }
        return job;
    }

    /**
     * A job checked and ready to admit: its request (with a seed of its own when none was sent),
     * its deadline or null, its webhook or null, and the digest of its body an Idempotency-Key is
     * held to.
     */
    public record Prepared(
            JobRequest request, Integer timeoutSeconds, String notifyUrl, Priority priority, String digest) {}

    /** As below, at normal priority. */
    public Prepared prepare(ObjectNode body, JsonNode timeoutField, JsonNode notifyField) {
        return prepare(body, timeoutField, notifyField, null);
    }

    /**
     * Binds and checks one job's body (without {@code timeoutSeconds}, given apart) as
     * {@link #submit} does, and draws its seed; throws {@link JobRejectedException.Invalid} naming
     * every bad field.
     */
    public Prepared prepare(ObjectNode body, JsonNode timeoutField, JsonNode notifyField, JsonNode priorityField) {
        var errors = new ArrayList<FieldError>();
        Priority priority = Priority.NORMAL;
        if (priorityField != null && !priorityField.isNull()) {
            priority = priorityField.isString() ? Priority.ofLabel(priorityField.asString()) : null;
            if (priority == null) {
                errors.add(new FieldError("priority", "must be one of high, normal, low"));
            }
        }
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
            throw new JobRejectedException.Invalid(errors);
        }
        long seed;
        synchronized (seeds) {
            seed = seeds.nextLong();
        }
        return new Prepared(
                raw.withSeed(seed),
                timeoutSeconds,
                notify,
                priority,
                digest(raw, timeoutSeconds) + notify + (priority == Priority.NORMAL ? "" : "\n" + priority.label()));
    }

    /**
     * Admits prepared jobs as batch {@code id}, all or none ({@link JobStore#submitBatch}); with a
     * key already used for the same bodies, the batch recorded then (another id).
     */
    public JobStore.Batch submitBatch(String id, List<Prepared> jobs, String idempotencyKey, Tenant tenant) {
        checkAccepting();
        var batch = new JobStore.Batch(id, jobs.size(), Instant.now());
        var submissions = jobs.stream()
                .map(p -> new JobStore.Submission(
                        UUID.randomUUID().toString(), p.request(), p.timeoutSeconds(), p.notifyUrl(), p.priority()))
                .toList();
        JobStore.Keyed keyed = null;
        if (idempotencyKey != null) {
            var all = new StringBuilder();
            jobs.forEach(p -> all.append(p.digest()).append('\n'));
            keyed = keyed(idempotencyKey, sha256(all.toString()), tenant);
        }
        submissions.forEach(j -> admissions.forEach(a -> a.admitting(j.id(), j.request())));
        JobStore.Batch admitted;
        try {
            admitted = store.submitBatch(batch, submissions, queue.maxJobs(), keyed, tenant);
        } catch (RuntimeException e) {
            submissions.forEach(j -> admissions.forEach(a -> a.notKept(j.id())));
            rejected(e);
            throw e;
        }
        if (admitted.id().equals(batch.id())) {
            jobs.forEach(p -> metrics.jobSubmitted(p.request().type(), tenant.name()));
        } else {
            submissions.forEach(j -> admissions.forEach(a -> a.notKept(j.id())));
        }
        return admitted;
    }

    /** A refusal of invalid bodies, counted as single jobs' are (the batch's, for instance). */
    public JobRejectedException.Invalid invalid(List<FieldError> errors) {
        metrics.jobRejected("invalid");
        return new JobRejectedException.Invalid(errors);
    }

    /**
     * An Idempotency-Key as the store keeps it: a tenant's own (two tenants may use one key for two
     * jobs). The default tenant's keys stay as they were before tenants, so a store of before keeps its keys.
     */
    private static JobStore.Keyed keyed(String idempotencyKey, String digest, Tenant tenant) {
        if (idempotencyKey == null) {
            return null;
        }
        String key = tenant.name().equals(Tenant.DEFAULT_NAME) ? idempotencyKey : tenant.name() + "/" + idempotencyKey;
        return new JobStore.Keyed(key, digest);
    }

    private void rejected(RuntimeException e) {
        if (e instanceof JobRejectedException.Full full) {
            metrics.jobRejected(full.reason());
        } else if (e instanceof JobRejectedException.OverQuota over) {
            metrics.jobRejected("quota_" + over.quota().replace('-', '_'));
        }
    }

    private void checkAccepting() {
        if (!accepting) {
            metrics.jobRejected("shutdown");
            throw new JobRejectedException.Full("shutdown", "the service is shutting down");
        }
    }

    /**
     * What "the same body" means for an Idempotency-Key: the kind, its fields as sent (so field
     * order, spacing and explicit nulls do not matter), the seed if sent, and the job's deadline.
     */
    private String digest(RequestBinder.Draft raw, Integer timeoutSeconds) {
        String canonical = raw.kind().name() + "\n" + json.writeValueAsString(raw.given()) + "\n" + raw.seed() + "\n"
                + timeoutSeconds + (raw.until() == null ? "" : "\n" + raw.until());
        return sha256(canonical);
    }

    private static String sha256(String canonical) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public Optional<Job.Snapshot> cancel(String id) {
        return store.cancel(id);
    }

    /** Cancels these jobs (a batch's unfinished ones). */
    public void cancelAll(List<String> ids) {
        store.cancelAll(ids);
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
            metrics.jobQueueWait(type, s.tenant(), s.queued());
        } else if (s.status().isFinal()) {
            if (s.queued() == null && s.startedAt() == null) {
                metrics.jobQueueWait(type, s.tenant(), s.total());
            }
            metrics.jobFinished(type, s.status().name(), s.tenant(), s.total());
        }
    }
}
