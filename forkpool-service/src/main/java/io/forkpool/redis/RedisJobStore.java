package io.forkpool.redis;

import static io.forkpool.redis.RedisJobs.call;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.job.Job;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import io.forkpool.plugin.JobRequest;
import io.forkpool.tenant.Tenant;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
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
    /** Shards put on the stream at submission, so that blocked readers (of every replica) wake at once. */
    private static final int FIRST_FEED = 8;

    private static final Duration DEADLINE_SWEEP = Duration.ofSeconds(1);
    private static final Duration STRANDED_SWEEP = Duration.ofSeconds(5);

    private final RedisJobs jobs;
    private final RedisBatches batches;
    private final RedisLink redis;
    private final JobEnds ends;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final JobSettings settings;

    private volatile Function<String, String> traceparentOf = id -> null;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("job-deadlines").factory());

    RedisJobStore(
            RedisLink redis,
            JobEnds ends,
            RedisKeys keys,
            ObjectMapper json,
            RequestBinder binder,
            JobSettings settings) {
        this(new RedisJobs(redis, ends, keys, json, binder, settings, Clock.systemUTC()));
    }

    /** The store of these jobs (a test's on a clock of its own: deadlines and stamps without waiting). */
    RedisJobStore(RedisJobs jobs) {
        this.jobs = jobs;
        this.redis = jobs.redis();
        this.ends = jobs.ends();
        this.keys = jobs.keys();
        this.json = jobs.json();
        this.settings = jobs.settings();
        this.batches = new RedisBatches(redis, keys, settings);
        deadlines.scheduleWithFixedDelay(
                this::enforceDeadlines, DEADLINE_SWEEP.toMillis(), DEADLINE_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        deadlines.scheduleWithFixedDelay(
                this::finishStranded, STRANDED_SWEEP.toMillis(), STRANDED_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the deadline timers (the backend closes). */
    void close() {
        deadlines.shutdownNow();
        jobs.close();
    }

    @Override
    public Job.Snapshot submit(Submission job, int maxActive, Keyed key, Tenant tenant) {
        return submit(job, maxActive, key, null, tenant);
    }

    // A batch on Redis: JobStore's default, each job by the SUBMIT script with its "batch" field,
    // then the batch's record; a refused job cancels those admitted before it (see docs/design.md).
    @Override
    public Job.Snapshot submitInBatch(String batch, Submission job, int maxActive, Tenant tenant) {
        var s = submit(job, maxActive, null, batch, tenant);
        batches.add(batch, job.id());
        return s;
    }

    @Override
    public void recordBatch(Batch batch, Keyed key) {
        batches.record(batch, key);
    }

    @Override
    public Optional<Batch> batchByKey(Keyed key) {
        return batches.byKey(key);
    }

    @Override
    public Optional<Batch> batch(String id) {
        return batches.find(id);
    }

    private Job.Snapshot submit(Submission job, int maxActive, Keyed key, String batch, Tenant tenant) {
        String id = job.id();
        JobRequest request = job.request();
        Integer timeoutSeconds = job.timeoutSeconds();
        String notify = job.notifyUrl();
        Instant now = jobs.now();
        var args = new ArrayList<>(List.of(
                id,
                Integer.toString(maxActive),
                Long.toString(now.toEpochMilli()),
                Integer.toString(FIRST_FEED),
                key == null ? "" : key.body(),
                timeoutSeconds == null ? "" : Long.toString(deadlineMillis(now, timeoutSeconds)),
                tenant.name(),
                Integer.toString(job.priority().ordinal()),
                Integer.toString(tenant.weight()),
                Long.toString(request.units()),
                Integer.toString(tenant.maxJobs()),
                Long.toString(tenant.maxRunningSamples()),
                "id",
                id,
                "type",
                request.type(),
                "request",
                json.writeValueAsString(request),
                "status",
                JobStatus.QUEUED.name(),
                "total",
                Integer.toString(request.shardCount()),
                "next",
                "0",
                "done",
                "0",
                "computeNanos",
                "0",
                "submittedAt",
                now.toString()));
        if (timeoutSeconds != null) {
            args.add("timeoutSeconds");
            args.add(timeoutSeconds.toString());
        }
        if (notify != null) {
            args.add("notify");
            args.add(notify);
        }
        String traceparent = traceparentOf.apply(id);
        if (traceparent != null) {
            args.add("traceparent");
            args.add(traceparent);
        }
        if (batch != null) {
            args.add("batch");
            args.add(batch);
        }
        List<Object> answer = call(() -> Scripts.SUBMIT.run(
                redis.sync(),
                ScriptOutputType.MULTI,
                new String[] {
                    keys.job(id),
                    keys.jobs(),
                    keys.unfinished(),
                    keys.feed(),
                    keys.shards(),
                    keys.deadlines(),
                    keys.idempotency(key == null ? "-" : RedisKeys.digest(key.key()))
                },
                args.toArray(String[]::new)));
        switch (((Long) answer.getFirst()).intValue()) {
            case 0 ->
                throw new JobRejectedException.Full(
                        "queue_full", "the service already has " + maxActive + " jobs queued or running");
            case 2 -> {
                String held = (String) answer.get(1);
                // expired between the script and this read: as good as gone, say so as unavailable
                return find(held)
                        .orElseThrow(() -> new JobRejectedException.Full(
                                "store_unavailable",
                                "the job of this Idempotency-Key has just expired; send it again"));
            }
            case 3 -> throw new JobRejectedException.KeyReused();
            case 4 -> throw overQuota(tenant, (String) answer.get(1), (String) answer.get(2), (String) answer.get(3));
            default -> {
                // recorded
            }
        }
        jobs.submitted(id, request, traceparent, tenant.name());
        if (timeoutSeconds != null) {
            deadlines.schedule(this::enforceDeadlines, timeoutSeconds * 1000L + 5, TimeUnit.MILLISECONDS);
        }
        return new Job.Snapshot(
                id,
                request,
                timeoutSeconds,
                JobStatus.QUEUED,
                0,
                request.shardCount(),
                null,
                null,
                now,
                null,
                null,
                0,
                notify,
                batch,
                null,
                tenant.name(),
                job.priority());
    }

    private static JobRejectedException.OverQuota overQuota(Tenant tenant, String quota, String jobs, String units) {
        return quota.equals("max-jobs")
                ? new JobRejectedException.OverQuota(
                        quota,
                        tenant.maxJobs(),
                        "tenant " + tenant.name() + " has " + jobs + " jobs queued or running; its max-jobs is "
                                + tenant.maxJobs())
                : new JobRejectedException.OverQuota(
                        quota,
                        tenant.maxRunningSamples(),
                        "tenant " + tenant.name() + " has " + units + " samples in unfinished jobs; its"
                                + " max-running-samples is " + tenant.maxRunningSamples());
    }

    /**
     * The deadline in epoch milliseconds, rounded up: a job submitted at 12.0004 s with 1 s may end
     * "timed out" no earlier than 13.0004 s (rounded down, the sweep failed it 0.8 ms early).
     */
    static long deadlineMillis(Instant submittedAt, long timeoutSeconds) {
        Instant deadline = submittedAt.plusSeconds(timeoutSeconds);
        long millis = deadline.toEpochMilli();
        return deadline.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }

    /**
     * Fails the jobs past their deadline, of any replica: at the deadline of a job submitted here
     * (a timer), and every {@link #DEADLINE_SWEEP} for those whose replica is gone. Once per job.
     */
    void enforceDeadlines() {
        try {
            List<String> ended = Scripts.DEADLINES.run(
                    redis.sync(),
                    ScriptOutputType.MULTI,
                    new String[] {keys.deadlines(), keys.unfinished(), keys.feed()},
                    Long.toString(jobs.now().toEpochMilli()),
                    keys.jobPrefix(),
                    jobs.now().toString(),
                    jobs.ttl(),
                    keys.ends(),
                    "100");
            for (String id : ended) {
                log.info("job {} timed out", id);
                find(id).ifPresent(job -> {
                    ends.ended(id, job);
                    jobs.changed(job);
                });
            }
        } catch (RuntimeException e) {
            log.debug("could not enforce deadlines: {}", e.getMessage());
        }
    }

    /**
     * Ends, every {@link #STRANDED_SWEEP}, the jobs whose shards are all merged but which did not
     * end: the replica that merged the last shard lost Redis (crash, restart, partition) between its
     * MERGE and its END, or died. Any replica may do it; END ends a job once.
     */
    void finishStranded() {
        try {
            List<String> ids = Scripts.STRANDED.run(
                    redis.sync(), ScriptOutputType.MULTI, new String[] {keys.unfinished()}, keys.jobPrefix());
            for (String id : ids) {
                log.info("job {}: every shard merged but not ended; ending it here", id);
                jobs.complete(id, new ArrayList<Object>(redis.sync().hvals(keys.sum(id))));
            }
        } catch (RuntimeException e) {
            log.debug("could not finish stranded jobs: {}", e.getMessage());
        }
    }

    /** Puts up to {@code n} more shards of the unfed jobs on the stream; how many it put. */
    long feed(int n) {
        return Scripts.FEED.run(
                redis.sync(),
                ScriptOutputType.INTEGER,
                new String[] {keys.feed(), keys.shards()},
                Integer.toString(n),
                keys.jobPrefix());
    }

    @Override
    public Optional<Job.Snapshot> find(String id) {
        return jobs.find(id);
    }

    @Override
    public Page page(JobStatus status, String type, String batch, String tenant, int page, int size) {
        if (batch != null) {
            return batches.page(batch, status, type, tenant, page, size, this::find);
        }
        List<String> ids = call(() -> Scripts.PAGE.run(
                redis.sync(),
                ScriptOutputType.MULTI,
                new String[] {keys.jobs()},
                keys.jobPrefix(),
                status == null ? "" : status.name(),
                type == null ? "" : type,
                Long.toString((long) page * size),
                Integer.toString(size),
                tenant == null ? "" : tenant));
        var jobs =
                ids.stream().skip(1).map(this::find).flatMap(Optional::stream).toList();
        return new Page(jobs, Long.parseLong(ids.getFirst()));
    }

    @Override
    public Optional<Job.Snapshot> cancel(String id) {
        jobs.cancel(id);
        return find(id);
    }

    @Override
    public boolean fail(String id, String problem) {
        return jobs.end(id, JobStatus.FAILED, problem);
    }

    @Override
    public Optional<Job.Snapshot> await(String id, Duration timeout) throws InterruptedException {
        return ends.await(id, timeout, this::find);
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
            Scripts.SWEEP.run(
                    redis.sync(),
                    ScriptOutputType.INTEGER,
                    new String[] {keys.jobs()},
                    keys.jobPrefix(),
                    Long.toString(
                            jobs.now().toEpochMilli() - settings.retention().toMillis()));
        } catch (RedisException e) {
            log.warn("could not sweep expired jobs: {}", e.getMessage());
        }
        jobs.forgetRequests();
    }

    @Override
    public void listen(Consumer<Job.Snapshot> changes) {
        jobs.listen(changes);
    }

    @Override
    public void carryTraces(Function<String, String> traceparentOf) {
        this.traceparentOf = traceparentOf;
    }

    @Override
    public void listenToEnds(Consumer<String> ids) {
        ends.onEnd(id -> jobs.notices().execute(() -> ids.accept(id)));
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public boolean isAvailable() {
        try {
            return "PONG".equals(redis.sync().ping());
        } catch (RedisException e) {
            return false;
        }
    }

    /** The webhook attempts of the jobs, beside them in Redis. */
    public io.forkpool.webhook.DeliveryLog deliveries() {
        return new RedisDeliveryLog(redis, keys, json, settings.retention());
    }

    /** The jobs as Redis holds them, shared with the stream's consumer (StreamShards). */
    RedisJobs jobs() {
        return jobs;
    }

    @Override
    public Optional<io.forkpool.job.ShardLog.View> shards(String id) {
        return find(id).map(job -> jobs.summaries().read(id, jobs.tries().read(id)));
    }
}
