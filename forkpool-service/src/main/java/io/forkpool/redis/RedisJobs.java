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
import java.time.Clock;
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
    /** The time of the jobs' stamps and deadlines (submitted, started, finished). */
    private final Clock clock;

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
            JobSettings settings,
            Clock clock) {
        this.clock = clock;
        this.redis = redis;
        this.ends = ends;
        this.keys = keys;
        this.json = json;
        this.binder = binder;
        this.settings = settings;
    }

    /** Now, by the jobs' clock. */
    Instant now() {
        return clock.instant();
    }

    RedisLink redis() {
        return redis;
    }

    ObjectMapper json() {
        return json;
    }

    JobSettings settings() {
        return settings;
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
        return call(() -> snapshot(id, redis.sync().hgetall(keys.job(id)))).map(this::withPartial);
    }

    /** A running job's partial results, made at most every 200 ms per job on this replica. */
    private final Map<String, Made> partials = new ConcurrentHashMap<>();

    private record Made(long at, Job.PartialResult partial) {}

    /**
     * A running job of a kind that shows partial results, with the one of the shards merged so
     * far: a job with a target, its prefix (kept in its hash); another, the merge of its sum hash,
     * made again only if the last one here is older than 200 ms (a GET of a large job reads its
     * partials from Redis at most 5 times a second, whoever asks).
     */
    private Job.Snapshot withPartial(Job.Snapshot s) {
        if (s.status().isFinal() || !s.request().partialResults() || s.partialResult() != null) {
            if (s.status().isFinal()) {
                partials.remove(s.id());
            }
            return s;
        }
        long now = System.nanoTime();
        Made made = partials.get(s.id());
        if (made == null || now - made.at() >= 200_000_000L) {
            made = new Made(now, mergedSoFar(s.id(), s.request()));
            partials.put(s.id(), made);
        }
        if (made.partial() == null) {
            return s;
        }
        return s.withPartialResult(made.partial()); // its tenant kept: another tenant's GET stays a 404
    }

    /** The partial result of a running job's shards merged so far (its prefix, with a target), or null. */
    private Job.PartialResult mergedSoFar(String id, JobRequest request) {
        try {
            var merge = merge(id, request);
            return merge == null
                    ? null
                    : new Job.PartialResult(request.finish(merge.sum()), merge.units(), merge.shards());
        } catch (RuntimeException e) {
            return null; // no partial result this time (Redis or the kind): the job itself still shows
        }
    }

    /** A merge of some of a job's shards, and the work units and shards it covers. */
    private record Merge(Object sum, long units, int shards) {}

    /** The merge of the shards in so far: the prefix of a job with a target, else every one; null if none. */
    private Merge merge(String id, JobRequest request) {
        if (request.until() != null) {
            var f = redis.sync().hmget(keys.job(id), "prefix", "prefixSum");
            if (!f.get(1).hasValue()) {
                return null;
            }
            int prefix = Integer.parseInt(f.get(0).getValue());
            Object sum =
                    request.decodePartial(Base64.getDecoder().decode(f.get(1).getValue()));
            return new Merge(sum, request.unitsOfShards(prefix), prefix);
        }
        Object sum = null;
        long units = 0;
        int shards = 0;
        for (var e : redis.sync().hgetall(keys.sum(id)).entrySet()) {
            Object p = request.decodePartial(Base64.getDecoder().decode(e.getValue()));
            sum = sum == null ? p : request.merge(sum, p);
            units += request.shardUnits(Integer.parseInt(e.getKey()));
            shards++;
        }
        return sum == null ? null : new Merge(sum, units, shards);
    }

    /**
     * Cancels a job, keeping with it the partial result it had (a kind that shows them): its merge
     * as the hash's {@code merged} and the samples it covers as {@code partialUnits}.
     */
    boolean cancel(String id) {
        var found = find(id);
        if (found.isEmpty() || found.get().status().isFinal()) {
            return false;
        }
        JobRequest request = found.get().request();
        Merge merge = null;
        if (request.partialResults()) {
            try {
                merge = call(() -> merge(id, request));
            } catch (RuntimeException e) {
                if (e instanceof JobRejectedException) {
                    throw e;
                }
                merge = null; // a kind that cannot decode its own partials: cancelled all the same
            }
        }
        if (merge == null) {
            return end(id, JobStatus.CANCELLED, "cancelled by request");
        }
        long units = merge.units();
        call(() -> redis.sync().hset(keys.job(id), "partialUnits", Long.toString(units)));
        return end(
                id,
                JobStatus.CANCELLED,
                Job.CANCELLED_WITH_PARTIAL,
                Base64.getEncoder().encodeToString(request.encodePartial(merge.sum())));
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
        Job.PartialResult partial =
                status == JobStatus.CANCELLED && f.containsKey("merged") && f.containsKey("partialUnits")
                        ? Job.PartialResult.stored(
                                request,
                                request.finish(request.decodePartial(
                                        Base64.getDecoder().decode(f.get("merged")))),
                                Long.parseLong(f.get("partialUnits")),
                                Integer.parseInt(f.get("done")))
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
                partial,
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
        if (request.until() != null) {
            advance(id); // its result is its prefix's, whichever shards are in
            return;
        }
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

    /** Shards of the sum hash read per round trip when a prefix moves. */
    private static final int PREFIX_WINDOW = 64;

    /**
     * The prefix rule on Redis (docs/kinds.md): moves the in-order prefix of a job with a target
     * over the shards merged past it, checking the target after each, and ends the job at the
     * first prefix that meets it (or at the last shard). The prefix and its merge live in the
     * job's hash, so any replica can move it on or end the job; ADVANCE moves it only from where
     * this replica read it, so two replicas at once never skip or repeat a shard, and a replica
     * lost between MERGE and ADVANCE only delays the job (the last shard's merge moves it then).
     */
    void advance(String id) {
        JobRequest request = request(id);
        while (true) {
            var f = call(() -> redis.sync().hmget(keys.job(id), "status", "prefix", "prefixSum", "total"));
            String status = f.get(0).getValueOrElse(null);
            if (status == null || JobStatus.valueOf(status).isFinal()) {
                return;
            }
            int from = Integer.parseInt(f.get(1).getValueOrElse("0"));
            int total = Integer.parseInt(f.get(3).getValue());
            String encoded = f.get(2).getValueOrElse(null);
            Object sum = encoded == null
                    ? null
                    : request.decodePartial(Base64.getDecoder().decode(encoded));
            String[] fields = new String[Math.min(PREFIX_WINDOW, total - from)];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = Integer.toString(from + i);
            }
            if (fields.length == 0) {
                return;
            }
            var partials = call(() -> redis.sync().hmget(keys.sum(id), fields));
            int to = from;
            boolean end = false;
            for (var partial : partials) {
                if (!partial.hasValue()) {
                    break;
                }
                Object p = request.decodePartial(Base64.getDecoder().decode(partial.getValue()));
                sum = sum == null ? p : request.merge(sum, p);
                to++;
                if (to == total || metBy(request, sum)) {
                    end = true;
                    break;
                }
            }
            if (to == from) {
                return; // the next shard is not in yet: its merge moves the prefix on
            }
            if (end && !finishable(request, sum)) {
                end(id, JobStatus.FAILED, "kind " + request.type() + ": could not finish the result", "");
                return;
            }
            String merged = Base64.getEncoder().encodeToString(request.encodePartial(sum));
            int moved = to;
            boolean ending = end;
            List<Object> outcome = call(() -> Scripts.ADVANCE.run(
                    redis.sync(),
                    ScriptOutputType.MULTI,
                    new String[] {keys.job(id), keys.unfinished(), keys.feed(), keys.deadlines(), keys.sum(id)},
                    id,
                    Integer.toString(from),
                    Integer.toString(moved),
                    merged,
                    ending ? "1" : "",
                    now().toString(),
                    ttl(),
                    keys.ends()));
            long code = (Long) outcome.getFirst();
            if (code == 2) {
                ended(id, outcome.subList(1, outcome.size()));
                return;
            }
            if (code == -1 || code == 3) {
                return;
            }
            // 0: another replica moved it first; 1: the next shard came in meanwhile. Either way, again.
        }
    }

    private static boolean metBy(JobRequest request, Object sum) {
        try {
            return request.meetsTarget(request.finish(sum));
        } catch (RuntimeException e) {
            return false; // too few samples for the kind to answer: not met
        }
    }

    private static boolean finishable(JobRequest request, Object sum) {
        try {
            request.finish(sum);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
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
                now().toString(),
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

    /**
     * A job none of whose shards is done, as a script of this replica just left it: RUNNING by TAKE
     * or ACCEPT (where the timeout, webhook, batch and priority are not read: null, normal), of
     * {@code tenant} (the queue wait's meter is tagged with it).
     */
    static Job.Snapshot beginning(
            String id,
            JobRequest request,
            Integer timeoutSeconds,
            JobStatus status,
            Instant submittedAt,
            Instant startedAt,
            String notify,
            String batch,
            String tenant) {
        return new Job.Snapshot(
                id,
                request,
                timeoutSeconds,
                status,
                0,
                request.shardCount(),
                null,
                null,
                submittedAt,
                startedAt,
                null,
                0,
                notify,
                batch,
                null,
                tenant,
                null);
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
