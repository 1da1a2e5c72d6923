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
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
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
    /** Shards put on the stream at submission, so that blocked readers (of every replica) wake at once. */
    private static final int FIRST_FEED = 8;

    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final Duration DEADLINE_SWEEP = Duration.ofSeconds(1);
    private static final Duration STRANDED_SWEEP = Duration.ofSeconds(5);
    /** A batch's record outlives its creation by the retention and this (its jobs may run that long). */
    private static final long BATCH_GRACE_SECONDS = 86_400;

    private final RedisLink redis;
    private final JobEnds ends;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final JobSettings settings;
    private final RequestBinder binder;
    private final Map<String, JobRequest> requests = new ConcurrentHashMap<>();
    /** The traceparent of each job's span ("" for none), as its hash holds it: cleared with requests. */
    private final Map<String, String> traces = new ConcurrentHashMap<>();

    private volatile Function<String, String> traceparentOf = id -> null;
    /** Runs what answers of asynchronous scripts lead to, off Lettuce's I/O thread. */
    private final Executor notices = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("redis-notices").factory());

    private volatile Consumer<Job.Snapshot> listener = s -> {};
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("job-deadlines").factory());

    RedisJobStore(
            RedisLink redis,
            JobEnds ends,
            RedisKeys keys,
            ObjectMapper json,
            RequestBinder binder,
            JobSettings settings) {
        this.redis = redis;
        this.ends = ends;
        this.binder = binder;
        this.keys = keys;
        this.json = json;
        this.settings = settings;
        deadlines.scheduleWithFixedDelay(
                this::enforceDeadlines, DEADLINE_SWEEP.toMillis(), DEADLINE_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        deadlines.scheduleWithFixedDelay(
                this::finishStranded, STRANDED_SWEEP.toMillis(), STRANDED_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the deadline timers (the backend closes). */
    void close() {
        deadlines.shutdownNow();
        if (summaries != null) {
            summaries.close();
        }
    }

    @Override
    public Job.Snapshot submit(
            String id, JobRequest request, Integer timeoutSeconds, String notify, int maxActive, Keyed key) {
        return submit(id, request, timeoutSeconds, notify, maxActive, key, null);
    }

    // A batch on Redis: JobStore's default, each job by the SUBMIT script with its "batch" field,
    // then the batch's record; a refused job cancels those admitted before it (see docs/design.md).
    @Override
    public Job.Snapshot submitInBatch(String batch, Submission job, int maxActive) {
        var s = submit(job.id(), job.request(), job.timeoutSeconds(), job.notifyUrl(), maxActive, null, batch);
        call(() -> redis.sync().rpush(keys.batchJobs(batch), job.id()));
        return s;
    }

    @Override
    public void recordBatch(Batch batch, Keyed key) {
        long ttl = Long.parseLong(ttl()) + BATCH_GRACE_SECONDS;
        var fields = new java.util.LinkedHashMap<String, String>();
        fields.put("size", Integer.toString(batch.size()));
        fields.put("created", batch.created().toString());
        if (key != null) {
            fields.put("body", key.body());
        }
        call(() -> {
            var sync = redis.sync();
            sync.hset(keys.batch(batch.id()), fields);
            sync.expire(keys.batch(batch.id()), ttl);
            sync.expire(keys.batchJobs(batch.id()), ttl);
            if (key != null) {
                sync.set(
                        keys.batchKey(digest(key.key())),
                        batch.id(),
                        io.lettuce.core.SetArgs.Builder.nx().ex(ttl));
            }
            return null;
        });
    }

    @Override
    public Optional<Batch> batchByKey(Keyed key) {
        String id = call(() -> redis.sync().get(keys.batchKey(digest(key.key()))));
        if (id == null) {
            return Optional.empty();
        }
        Map<String, String> f = call(() -> redis.sync().hgetall(keys.batch(id)));
        if (f.isEmpty()) {
            return Optional.empty();
        }
        if (!key.body().equals(f.get("body"))) {
            throw new JobRejectedException.KeyReused();
        }
        return batch(id);
    }

    @Override
    public Optional<Batch> batch(String id) {
        Map<String, String> f = call(() -> redis.sync().hgetall(keys.batch(id)));
        return f.isEmpty()
                ? Optional.empty()
                : Optional.of(new Batch(id, Integer.parseInt(f.get("size")), Instant.parse(f.get("created"))));
    }

    private Job.Snapshot submit(
            String id,
            JobRequest request,
            Integer timeoutSeconds,
            String notify,
            int maxActive,
            Keyed key,
            String batch) {
        Instant now = Instant.now();
        var args = new ArrayList<>(List.of(
                id,
                Integer.toString(maxActive),
                Long.toString(now.toEpochMilli()),
                Integer.toString(FIRST_FEED),
                key == null ? "" : key.body(),
                timeoutSeconds == null ? "" : Long.toString(deadlineMillis(now, timeoutSeconds)),
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
                    keys.idempotency(key == null ? "-" : digest(key.key()))
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
            default -> {
                // recorded
            }
        }
        requests.put(id, request);
        traces.put(id, traceparent == null ? "" : traceparent);
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
                batch);
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

    /** Keys are the client's text, up to 200 characters: Redis gets a digest of fixed length. */
    private static String digest(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
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
                    Long.toString(System.currentTimeMillis()),
                    keys.jobPrefix(),
                    Instant.now().toString(),
                    ttl(),
                    keys.ends(),
                    "100");
            for (String id : ended) {
                log.info("job {} timed out", id);
                find(id).ifPresent(job -> {
                    ends.ended(id, job);
                    listener.accept(job);
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
                complete(id, new ArrayList<Object>(redis.sync().hvals(keys.sum(id))));
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
        return call(() -> snapshot(id, redis.sync().hgetall(keys.job(id))));
    }

    /** The job of a hash's fields; empty if there are none (unknown or expired). */
    private Optional<Job.Snapshot> snapshot(String id, Map<String, String> f) {
        if (f.isEmpty() || !f.containsKey("request")) {
            return Optional.empty();
        }
        JobRequest request = request(id, f.get("request"));
        if (f.containsKey("traceparent")) {
            traces.putIfAbsent(id, f.get("traceparent"));
        }
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
                f.get("batch")));
    }

    @Override
    public Page page(JobStatus status, String type, String batch, int page, int size) {
        if (batch != null) { // at most 1,000 jobs: read them all, newest first
            List<String> members = call(() -> redis.sync().lrange(keys.batchJobs(batch), 0, -1));
            var matching = members.reversed().stream()
                    .map(this::find)
                    .flatMap(Optional::stream)
                    .filter(s -> (status == null || s.status() == status)
                            && (type == null || type.equals(s.request().type())))
                    .toList();
            int from = (int) Math.min((long) page * size, matching.size());
            return new Page(
                    matching.subList(from, (int) Math.min((long) from + size, matching.size())), matching.size());
        }
        List<String> ids = call(() -> Scripts.PAGE.run(
                redis.sync(),
                ScriptOutputType.MULTI,
                new String[] {keys.jobs()},
                keys.jobPrefix(),
                status == null ? "" : status.name(),
                type == null ? "" : type,
                Long.toString((long) page * size),
                Integer.toString(size)));
        var jobs =
                ids.stream().skip(1).map(this::find).flatMap(Optional::stream).toList();
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

    /**
     * Woken by the job's end (see {@link JobEnds}); looks at the job again every second all the
     * same, as a pub/sub message is lost while the subscription reconnects.
     */
    @Override
    public Optional<Job.Snapshot> await(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Job.Snapshot> end = ends.waitFor(id);
        try {
            while (true) {
                Job.Snapshot here = ends.endedHere(id);
                if (here != null) {
                    return Optional.of(here);
                }
                long left = deadline - System.nanoTime();
                // Just submitted here, as a rule: read it once it has ended, at the deadline, or every RECHECK.
                if (ends.hasEnded(id) || left <= 0 || end.isDone()) {
                    var job = find(id);
                    if (job.isEmpty() || job.get().status().isFinal() || left <= 0) {
                        return job;
                    }
                    end = new CompletableFuture<>(); // not ended after all (a stale mark): wait by RECHECK
                }
                try {
                    Job.Snapshot ended = end.get(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
                    if (ended != null) {
                        return Optional.of(ended);
                    }
                } catch (TimeoutException e) {
                    var job = find(id); // a lost message, or the deadline
                    if (job.isEmpty() || job.get().status().isFinal() || deadline - System.nanoTime() <= 0) {
                        return job;
                    }
                } catch (ExecutionException e) {
                    // look again
                }
            }
        } finally {
            ends.stopWaiting(id);
        }
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
                            System.currentTimeMillis() - settings.retention().toMillis()));
        } catch (RedisException e) {
            log.warn("could not sweep expired jobs: {}", e.getMessage());
        }
        if (requests.size() > 10_000) {
            requests.clear();
        }
        if (traces.size() > 10_000) {
            traces.clear();
        }
    }

    @Override
    public synchronized void listen(Consumer<Job.Snapshot> changes) {
        this.listener = listener.andThen(changes);
    }

    @Override
    public void carryTraces(Function<String, String> traceparentOf) {
        this.traceparentOf = traceparentOf;
    }

    @Override
    public void listenToEnds(Consumer<String> ids) {
        ends.onEnd(id -> notices.execute(() -> ids.accept(id)));
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

    // -- what the stream's consumer does to jobs

    /** One shard read from the stream by this replica. */
    record Delivery(String entry, String job, int shard) {}

    JobRequest request(String id) {
        JobRequest known = requests.get(id);
        if (known != null && traces.containsKey(id)) {
            return known;
        }
        var fields = redis.sync().hmget(keys.job(id), "request", "traceparent");
        traces.put(id, fields.get(1).getValueOrElse(""));
        return request(id, fields.get(0).getValueOrElse(null));
    }

    /**
     * The job's traceparent as its hash holds it, read with its request ({@link #request(String)},
     * which the consumer calls as it takes a shard), or null; asks no Redis.
     */
    String traceparent(String id) {
        String known = traces.get(id);
        return known == null || known.isEmpty() ? null : known;
    }

    /** True when this replica knows the job has ended: its shards are dropped. */
    boolean hasEnded(String id) {
        return ends.hasEnded(id);
    }

    /** Up to {@code n} shards for {@code consumer} (the TAKE script), and {@code ahead} more if waiting unread. */
    List<Delivery> take(String consumer, int n, int ahead) {
        return accepted(Scripts.TAKE.run(
                redis.sync(),
                ScriptOutputType.MULTI,
                new String[] {keys.shards(), keys.feed()},
                keys.group(),
                consumer,
                Integer.toString(n),
                keys.jobPrefix(),
                Instant.now().toString(),
                Integer.toString(ahead)));
    }

    /** The same without waiting; {@code then} gets the shards on a thread of this store, not Lettuce's. */
    void takeAhead(String consumer, int ahead, Consumer<List<Delivery>> then) {
        Scripts.TAKE
                .<List<Object>>runAsync(
                        redis.async(),
                        ScriptOutputType.MULTI,
                        new String[] {keys.shards(), keys.feed()},
                        keys.group(),
                        consumer,
                        "0",
                        keys.jobPrefix(),
                        Instant.now().toString(),
                        Integer.toString(ahead))
                .handleAsync(
                        (reply, e) -> {
                            List<Delivery> taken = List.of();
                            try {
                                taken = e == null ? accepted(reply) : taken;
                            } finally {
                                then.accept(taken);
                            }
                            return null;
                        },
                        notices);
    }

    /**
     * Entries a blocking read delivered, handed out at once: ACCEPT (start their jobs, drop the
     * entries of ended jobs) goes out without waiting for its answer, so a woken worker does not
     * wait one more round trip. A shard of a job that ended meanwhile is computed for nothing:
     * its merge is a no-op.
     */
    List<Delivery> accept(List<StreamMessage<String, String>> read) {
        var args = new ArrayList<>(
                List.of(keys.group(), keys.jobPrefix(), Instant.now().toString()));
        var out = new ArrayList<Delivery>();
        for (var m : read) {
            String job = m.getBody().get("job");
            String shard = m.getBody().get("shard");
            args.add(m.getId());
            args.add(job == null ? "" : job);
            args.add(shard == null ? "0" : shard);
            if (job != null && shard != null && !ends.hasEnded(job)) {
                out.add(new Delivery(m.getId(), job, Integer.parseInt(shard)));
            }
        }
        Scripts.ACCEPT
                .<List<Object>>runAsync(
                        redis.async(),
                        ScriptOutputType.MULTI,
                        new String[] {keys.shards()},
                        args.toArray(String[]::new))
                .thenAcceptAsync(this::accepted, notices)
                .exceptionally(e -> {
                    log.debug("could not start jobs of read shards: {}", e.getMessage());
                    return null;
                });
        return out;
    }

    /** Reads accept's answer: {started count, (id, submittedAt)..., (entry, job, shard)...}. */
    private List<Delivery> accepted(List<Object> reply) {
        int started = ((Long) reply.getFirst()).intValue();
        Instant now = Instant.now();
        for (int i = 0; i < started; i++) {
            String id = (String) reply.get(1 + 2 * i);
            JobRequest request = request(id);
            listener.accept(new Job.Snapshot(
                    id,
                    request,
                    null,
                    JobStatus.RUNNING,
                    0,
                    request.shardCount(),
                    null,
                    null,
                    instant((String) reply.get(2 + 2 * i)),
                    now,
                    null,
                    0,
                    null,
                    null));
        }
        var out = new ArrayList<Delivery>();
        for (int i = 1 + 2 * started; i + 2 < reply.size(); i += 3) {
            out.add(new Delivery(
                    (String) reply.get(i), (String) reply.get(i + 1), Integer.parseInt((String) reply.get(i + 2))));
        }
        return out;
    }

    /** Acknowledges and deletes an entry that will not run (its job ended). */
    void drop(String entry) {
        Scripts.DROP.run(redis.sync(), ScriptOutputType.INTEGER, new String[] {keys.shards()}, keys.group(), entry);
    }

    /**
     * Merges one shard's answer, once, and acknowledges its entry; completes the job on its last
     * shard. Does not wait for Redis: the worker's reader thread goes on to its next answer while
     * the merges of this replica go out pipelined, in order, on one connection.
     */
    void merge(
            String entry,
            String id,
            int shard,
            byte[] partial,
            long computeNanos,
            io.forkpool.dispatch.ShardAttempt done) {
        JobRequest request = request(id);
        if (done != null && summarised(request)) {
            summaries().record(id, done);
        }
        String whole = request.shardCount() == 1 ? wholeJob(request, partial) : "";
        if (!whole.isEmpty()) {
            ends.endingHere(id);
        }
        Scripts.MERGE
                .<List<Object>>runAsync(
                        redis.async(),
                        ScriptOutputType.MULTI,
                        new String[] {
                            keys.job(id),
                            keys.merged(id),
                            keys.sum(id),
                            keys.shards(),
                            keys.unfinished(),
                            keys.feed(),
                            keys.deadlines(),
                            keys.tries(id)
                        },
                        keys.group(),
                        entry,
                        Integer.toString(shard),
                        Long.toString(computeNanos),
                        Base64.getEncoder().encodeToString(partial),
                        id,
                        whole,
                        Instant.now().toString(),
                        ttl(),
                        keys.ends(),
                        done == null ? "" : ShardTries.entry(done),
                        Integer.toString(ShardTries.CAP),
                        tries().ttlSeconds())
                .thenAccept(outcome -> {
                    long code = (Long) outcome.getFirst();
                    if (code == 1) { // Java merges, then END: not on Lettuce's I/O thread
                        notices.execute(() -> complete(id, outcome.subList(1, outcome.size())));
                    } else if (code == 2) { // no Redis call in ended(): on the I/O thread, one hop less
                        ended(id, outcome.subList(1, outcome.size()));
                    } else if (!whole.isEmpty()) {
                        ends.notEndingHere(id);
                    }
                })
                .exceptionally(e -> {
                    ends.notEndingHere(id);
                    // the entry stays pending: a replica reclaims it after the shard timeout
                    log.warn("could not merge shard {} of job {}: {}", shard, id, e.getMessage());
                    return null;
                });
    }

    /**
     * A one-shard job's answer is its result: checked here (the kind can finish it) so that MERGE
     * ends the job in the same round trip; '' if it cannot, and {@link #complete} fails the job.
     */
    private static String wholeJob(JobRequest request, byte[] partial) {
        try {
            request.finish(request.decodePartial(partial));
            return Base64.getEncoder().encodeToString(partial);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Merges every shard's partial in Java (the kind's merge), checks the result can be made, ends the job. */
    private void complete(String id, List<Object> partials) {
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

    private boolean end(String id, JobStatus status, String problem) {
        return end(id, status, problem, "");
    }

    private boolean end(String id, JobStatus status, String problem, String merged) {
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
    private void ended(String id, List<Object> fields) {
        var hash = new HashMap<String, String>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            hash.put((String) fields.get(i), (String) fields.get(i + 1));
        }
        var job = snapshot(id, hash);
        ends.ended(id, job.orElse(null));
        job.ifPresent(listener);
    }

    /** The webhook attempts of the jobs, beside them in Redis. */
    public io.forkpool.webhook.DeliveryLog deliveries() {
        return new RedisDeliveryLog(redis, keys, json, settings.retention());
    }

    private String ttl() {
        return Long.toString(Math.max(1, settings.retention().toSeconds()));
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

    private boolean summarised(JobRequest request) {
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

    @Override
    public Optional<io.forkpool.job.ShardLog.View> shards(String id) {
        return find(id).map(job -> summaries().read(id, tries().read(id)));
    }
}
