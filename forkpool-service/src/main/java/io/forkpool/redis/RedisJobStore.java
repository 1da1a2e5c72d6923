package io.forkpool.redis;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.job.Job;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import io.forkpool.plugin.JobRequest;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * The redis backend's jobs: one hash per job (request, status, cursor, progress, times) with a TTL
 * once it ends, a sorted set of all jobs for the list, the merged sums of its shards in a second
 * hash. Every state change is one Lua script, so replicas never race on a job.
 */
public final class RedisJobStore implements JobStore {

    private static final Logger log = LoggerFactory.getLogger(RedisJobStore.class);
    /** Shards put on the stream at submission, so that blocked readers wake at once. */
    private static final int FIRST_FEED = 8;

    private final RedisLink redis;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final JobSettings settings;
    private final RequestBinder binder;
    private final Map<String, JobRequest> requests = new ConcurrentHashMap<>();
    private volatile Consumer<Job.Snapshot> listener = s -> {};

    RedisJobStore(RedisLink redis, RedisKeys keys, ObjectMapper json, RequestBinder binder, JobSettings settings) {
        this.redis = redis;
        this.binder = binder;
        this.keys = keys;
        this.json = json;
        this.settings = settings;
    }

    @Override
    public Job.Snapshot submit(String id, JobRequest request, Integer timeoutSeconds, int maxActive) {
        Instant now = Instant.now();
        var args = new ArrayList<>(List.of(id, Integer.toString(maxActive), Long.toString(now.toEpochMilli()),
                "id", id, "type", request.type(), "request", json.writeValueAsString(request),
                "status", JobStatus.QUEUED.name(), "total", Integer.toString(request.shardCount()),
                "next", "0", "done", "0", "computeNanos", "0", "submittedAt", now.toString()));
        if (timeoutSeconds != null) {
            args.add("timeoutSeconds");
            args.add(timeoutSeconds.toString());
        }
        long admitted = call(() -> redis.sync().<Long>eval(Scripts.SUBMIT, ScriptOutputType.INTEGER,
                new String[] {keys.job(id), keys.jobs(), keys.unfinished(), keys.feed()},
                args.toArray(String[]::new)));
        if (admitted == 0) {
            throw new JobRejectedException.Full("queue_full",
                    "the service already has " + maxActive + " jobs queued or running");
        }
        requests.put(id, request);
        feed(FIRST_FEED);
        return new Job.Snapshot(id, request, timeoutSeconds, JobStatus.QUEUED, 0, request.shardCount(), null, null,
                now, null, null, 0);
    }

    /** Puts up to {@code n} more shards of the unfed jobs on the stream; how many it put. */
    long feed(int n) {
        return redis.sync().<Long>eval(Scripts.FEED, ScriptOutputType.INTEGER,
                new String[] {keys.feed(), keys.shards()}, Integer.toString(n), keys.jobPrefix());
    }

    @Override
    public Optional<Job.Snapshot> find(String id) {
        return call(() -> {
            Map<String, String> f = redis.sync().hgetall(keys.job(id));
            if (f.isEmpty() || !f.containsKey("request")) {
                return Optional.empty();
            }
            JobRequest request = request(id, f.get("request"));
            JobStatus status = JobStatus.valueOf(f.get("status"));
            Record result = status == JobStatus.SUCCEEDED && f.containsKey("merged")
                    ? request.finish(request.decodePartial(Base64.getDecoder().decode(f.get("merged")))) : null;
            return Optional.of(new Job.Snapshot(id, request,
                    f.containsKey("timeoutSeconds") ? Integer.valueOf(f.get("timeoutSeconds")) : null, status,
                    Integer.parseInt(f.get("done")), Integer.parseInt(f.get("total")), result, f.get("error"),
                    instant(f.get("submittedAt")), instant(f.get("startedAt")), instant(f.get("finishedAt")),
                    Long.parseLong(f.get("computeNanos"))));
        });
    }

    @Override
    public Page page(JobStatus status, String type, int page, int size) {
        List<String> ids = call(() -> redis.sync().eval(Scripts.PAGE, ScriptOutputType.MULTI,
                new String[] {keys.jobs()}, keys.jobPrefix(), status == null ? "" : status.name(),
                type == null ? "" : type, Long.toString((long) page * size), Integer.toString(size)));
        var jobs = ids.stream().skip(1).map(this::find).flatMap(Optional::stream).toList();
        return new Page(jobs, Long.parseLong(ids.getFirst()));
    }

    @Override
    public Optional<Job.Snapshot> cancel(String id) {
        end(id, JobStatus.CANCELLED, "cancelled by request");
        return find(id);
    }

    @Override
    public boolean fail(String id, String problem) {
        return end(id, JobStatus.FAILED, problem);
    }

    @Override
    public Optional<Job.Snapshot> await(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        var job = find(id);
        while (job.isPresent() && !job.get().status().isFinal() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            job = find(id);
        }
        return job;
    }

    @Override
    public int active() {
        try {
            return redis.sync().scard(keys.unfinished()).intValue();
        } catch (RedisException e) {
            return 0;
        }
    }

    @Override
    public List<String> endWithThisProcess() {
        return List.of(); // the other replicas finish them
    }

    @Override
    public void expire() {
        try {
            redis.sync().eval(Scripts.SWEEP, ScriptOutputType.INTEGER, new String[] {keys.jobs()}, keys.jobPrefix());
        } catch (RedisException e) {
            log.warn("could not sweep expired jobs: {}", e.getMessage());
        }
        if (requests.size() > 10_000) {
            requests.clear();
        }
    }

    @Override
    public void listen(Consumer<Job.Snapshot> changes) {
        this.listener = changes;
    }

    @Override
    public boolean isAvailable() {
        try {
            return "PONG".equals(redis.sync().ping());
        } catch (RedisException e) {
            return false;
        }
    }

    // -- what the stream's consumer does to jobs

    JobRequest request(String id) {
        JobRequest known = requests.get(id);
        return known != null ? known : request(id, redis.sync().hget(keys.job(id), "request"));
    }

    /** True when the job has ended or is gone: its shards are dropped. */
    boolean isFinished(String id) {
        String status = redis.sync().hget(keys.job(id), "status");
        return status == null || JobStatus.valueOf(status).isFinal();
    }

    void started(String id) {
        long moved = redis.sync().eval(Scripts.START, ScriptOutputType.INTEGER, new String[] {keys.job(id)},
                Instant.now().toString());
        if (moved == 1) {
            find(id).ifPresent(listener);
        }
    }

    /** Merges one shard's answer, once, and acknowledges its entry; completes the job on its last shard. */
    void merge(String entry, String id, int shard, byte[] partial, long computeNanos) {
        long outcome = redis.sync().eval(Scripts.MERGE, ScriptOutputType.INTEGER,
                new String[] {keys.job(id), keys.merged(id), keys.sum(id), keys.shards()}, keys.group(), entry,
                Integer.toString(shard), Long.toString(computeNanos), Base64.getEncoder().encodeToString(partial));
        if (outcome == 1) {
            complete(id);
        }
    }

    /** Merges every shard's partial in Java (the kind's merge), checks the result can be made, ends the job. */
    private void complete(String id) {
        JobRequest request = request(id);
        byte[] merged;
        try {
            Object sum = null;
            for (String partial : redis.sync().hvals(keys.sum(id))) {
                Object p = request.decodePartial(Base64.getDecoder().decode(partial));
                sum = sum == null ? p : request.merge(sum, p);
            }
            request.finish(sum); // a result that cannot be made fails the job here, not on each GET
            merged = request.encodePartial(sum);
        } catch (RuntimeException e) {
            end(id, JobStatus.FAILED, "kind " + request.type() + ": could not finish the result: " + e.getMessage(), "");
            return;
        }
        end(id, JobStatus.SUCCEEDED, "", Base64.getEncoder().encodeToString(merged));
    }

    private boolean end(String id, JobStatus status, String problem) {
        return end(id, status, problem, "");
    }

    private boolean end(String id, JobStatus status, String problem, String merged) {
        long ended = call(() -> redis.sync().<Long>eval(Scripts.END, ScriptOutputType.INTEGER,
                new String[] {keys.job(id), keys.sum(id), keys.merged(id), keys.unfinished(), keys.feed()},
                id, status.name(), problem, Instant.now().toString(),
                Long.toString(Math.max(1, settings.retention().toSeconds())), merged));
        if (ended == 1) {
            find(id).ifPresent(listener);
        }
        return ended == 1;
    }

    private JobRequest request(String id, String body) {
        return requests.computeIfAbsent(id, k -> binder.read(json.readTree(body)));
    }

    private static Instant instant(String value) {
        return value == null ? null : Instant.parse(value);
    }

    /** Redis unreachable: the caller gets 503 with Retry-After, like a full service. */
    private static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new JobRejectedException.Full("store_unavailable", "the job store (Redis) cannot be reached");
        }
    }

    private volatile ShardTries tries;

    /** The tries of a job's shards, kept by every replica that ran one (ShardTries). */
    private ShardTries tries() {
        if (tries == null) {
            tries = new ShardTries(redis, keys, settings.retention());
        }
        return tries;
    }

    void recordAttempt(String id, io.forkpool.dispatch.ShardAttempt attempt) {
        tries().record(id, attempt);
    }

    @Override
    public Optional<io.forkpool.job.ShardLog.View> shards(String id) {
        return find(id).map(job -> tries().read(id));
    }
}
