package io.forkpool.redis;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.dispatch.Priority;
import io.forkpool.dispatch.ShardAttempt;
import io.forkpool.job.Job;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStatus;
import io.forkpool.plugin.JobRequest;
import io.forkpool.tenant.Tenant;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tools.jackson.databind.ObjectMapper;

/**
 * The jobs as Redis holds them, for both sides of the backend (the store and the stream's
 * consumer): a job's hash read into a snapshot, its request bound once per replica, its end (the
 * END script, after the shards' partials are merged in Java), the tries of its shards, and the
 * listeners told of each change.
 */
final class RedisJobs {

    private final RedisLink redis;
    private final JobEnds ends;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final JobSettings settings;
    private final RequestBinder binder;
    private final Map<String, JobRequest> requests = new ConcurrentHashMap<>();
    /** The traceparent of each job's span ("" for none), as its hash holds it: cleared with requests. */
    private final Map<String, String> traces = new ConcurrentHashMap<>();
    /** Each job's tenant, read with its request (for the shard meters' tenant tag). */
    private final Map<String, String> tenants = new ConcurrentHashMap<>();
    /** Runs what answers of asynchronous scripts lead to, off Lettuce's I/O thread. */
    private final Executor notices = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("redis-notices").factory());

    private volatile Consumer<Job.Snapshot> listener = s -> {};

    RedisJobs(
            RedisLink redis,
            JobEnds ends,
            RedisKeys keys,
            ObjectMapper json,
            RequestBinder binder,
            JobSettings settings) {
        this.redis = redis;
        this.ends = ends;
        this.keys = keys;
        this.json = json;
        this.binder = binder;
        this.settings = settings;
    }

    RedisLink redis() {
        return redis;
    }

    RedisKeys keys() {
        return keys;
    }

    JobEnds ends() {
        return ends;
    }

    /** The executor of what asynchronous answers lead to (one thread: in the order they came). */
    Executor notices() {
        return notices;
    }

    synchronized void listen(Consumer<Job.Snapshot> changes) {
        this.listener = listener.andThen(changes);
    }

    /** Tells the listeners of a change made here. */
    void changed(Job.Snapshot job) {
        listener.accept(job);
    }

    Optional<Job.Snapshot> find(String id) {
        return call(() -> snapshot(id, redis.sync().hgetall(keys.job(id))));
    }

    /** The job of a hash's fields; empty if there are none (unknown or expired). */
    Optional<Job.Snapshot> snapshot(String id, Map<String, String> f) {
        if (f.isEmpty() || !f.containsKey("request")) {
            return Optional.empty();
        }
        JobRequest request = request(id, f.get("request"));
        if (f.containsKey("traceparent")) {
            traces.putIfAbsent(id, f.get("traceparent"));
        }
        tenants.putIfAbsent(id, f.getOrDefault("tenant", Tenant.DEFAULT_NAME));
        JobStatus status = JobStatus.valueOf(f.get("status"));
        Record result = status == JobStatus.SUCCEEDED && f.containsKey("merged")
                ? request.finish(request.decodePartial(Base64.getDecoder().decode(f.get("merged"))))
                : null;
        return Optional.of(new Job.Snapshot(
                id,
                request,
                f.containsKey("timeoutSeconds") ? Integer.valueOf(f.get("timeoutSeconds")) : null,
                status,
                Integer.parseInt(f.get("done")),
                Integer.parseInt(f.get("total")),
                result,
                f.get("error"),
                instant(f.get("submittedAt")),
                instant(f.get("startedAt")),
                instant(f.get("finishedAt")),
                Long.parseLong(f.get("computeNanos")),
                f.get("notify"),
                f.get("batch"),
                null,
                f.get("tenant"),
                f.containsKey("priority") ? Priority.values()[Integer.parseInt(f.get("priority"))] : null));
    }

    JobRequest request(String id) {
        JobRequest known = requests.get(id);
        if (known != null && traces.containsKey(id) && tenants.containsKey(id)) {
            return known;
        }
        var fields = redis.sync().hmget(keys.job(id), "request", "traceparent", "tenant");
        traces.put(id, fields.get(1).getValueOrElse(""));
        tenants.put(id, fields.get(2).getValueOrElse(Tenant.DEFAULT_NAME));
        return request(id, fields.get(0).getValueOrElse(null));
    }

    /** The job's tenant, as read with its request ({@link #request(String)}); the default tenant if not read. */
    String tenant(String id) {
        return tenants.getOrDefault(id, Tenant.DEFAULT_NAME);
    }

    /**
     * The job's traceparent as its hash holds it, read with its request ({@link #request(String)},
     * which the consumer calls as it takes a shard), or null; asks no Redis.
     */
    String traceparent(String id) {
        String known = traces.get(id);
        return known == null || known.isEmpty() ? null : known;
    }

    /** Merges every shard's partial in Java (the kind's merge), checks the result can be made, ends the job. */
    void complete(String id, List<Object> partials) {
        JobRequest request = request(id);
        byte[] merged;
        try {
            Object sum = null;
            for (Object partial : partials) {
                Object p = request.decodePartial(Base64.getDecoder().decode((String) partial));
                sum = sum == null ? p : request.merge(sum, p);
            }
            request.finish(sum); // a result that cannot be made fails the job here, not on each GET
            merged = request.encodePartial(sum);
        } catch (RuntimeException e) {
            end(
                    id,
                    JobStatus.FAILED,
                    "kind " + request.type() + ": could not finish the result: " + e.getMessage(),
                    "");
            return;
        }
        end(id, JobStatus.SUCCEEDED, "", Base64.getEncoder().encodeToString(merged));
    }

    boolean end(String id, JobStatus status, String problem) {
        return end(id, status, problem, "");
    }

    boolean end(String id, JobStatus status, String problem, String merged) {
        List<Object> fields = call(() -> Scripts.END.run(
                redis.sync(),
                ScriptOutputType.MULTI,
                new String[] {keys.job(id), keys.unfinished(), keys.feed(), keys.deadlines()},
                id,
                status.name(),
                problem,
                Instant.now().toString(),
                ttl(),
                merged,
                keys.ends()));
        if (fields.isEmpty()) {
            return false;
        }
        ended(id, fields);
        return true;
    }

    /**
     * A job ended by a script of this replica, with its fields as the script answered them. Calls
     * no Redis (the request binds from its field), so it may run on Lettuce's I/O thread.
     */
    void ended(String id, List<Object> fields) {
        var hash = new HashMap<String, String>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            hash.put((String) fields.get(i), (String) fields.get(i + 1));
        }
        var job = snapshot(id, hash);
        ends.ended(id, job.orElse(null));
        job.ifPresent(this::changed);
    }

    String ttl() {
        return Long.toString(Math.max(1, settings.retention().toSeconds()));
    }

    private JobRequest request(String id, String body) {
        return requests.computeIfAbsent(id, k -> binder.read(json.readTree(body)));
    }

    static Instant instant(String value) {
        return value == null ? null : Instant.parse(value);
    }

    /** Redis unreachable: the caller gets 503 with Retry-After, like a full service. */
    static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new JobRejectedException.Full("store_unavailable", "the job store (Redis) cannot be reached");
        }
    }

    private volatile ShardTries tries;

    /** The tries of a job's shards, kept by every replica that ran one (ShardTries). */
    ShardTries tries() {
        if (tries == null) {
            tries = new ShardTries(redis, keys, settings.retention());
        }
        return tries;
    }

    void recordAttempt(String id, ShardAttempt attempt) {
        tries().record(id, attempt);
        JobRequest known = requests.get(id);
        if (known == null || summarised(known)) {
            summaries().record(id, attempt);
        }
    }

    /**
     * Jobs of at most this many shards get no summary (TrySummaries): their tries list holds every
     * try, and the timeline reads the list when there is no summary. For a tiny job the summary
     * would cost two scripts of its own (INIT and ADD), as many as its SUBMIT and MERGE. 0: every job.
     */
    private volatile int unsummarisedUpTo;

    /** Set by the stream's consumer, which knows how many tries a shard may take (ShardSettings). */
    void summariseJobsOver(int shards) {
        unsummarisedUpTo = Math.max(0, shards);
    }

    boolean summarised(JobRequest request) {
        return request.shardCount() > unsummarisedUpTo;
    }

    private volatile TrySummaries summaries;

    /** Every try of a job's shards, summed (TrySummaries): the timeline of a job past the list's cap. */
    TrySummaries summaries() {
        var made = summaries;
        if (made == null) {
            synchronized (this) {
                if (summaries == null) {
                    summaries = new TrySummaries(redis, keys, settings.retention());
                }
                made = summaries;
            }
        }
        return made;
    }

    /** Forgets the requests and traceparents read, past a size (they are read again when needed). */
    void forgetRequests() {
        if (requests.size() > 10_000) {
            requests.clear();
        }
        if (traces.size() > 10_000) {
            traces.clear();
        }
        if (tenants.size() > 10_000) {
            tenants.clear();
        }
    }

    /** Remembers a job submitted here: no read of its hash for its first shard. */
    void submitted(String id, JobRequest request, String traceparent, String tenant) {
        requests.put(id, request);
        tenants.put(id, tenant);
        traces.put(id, traceparent == null ? "" : traceparent);
    }

    void close() {
        if (summaries != null) {
            summaries.close();
        }
    }
}
