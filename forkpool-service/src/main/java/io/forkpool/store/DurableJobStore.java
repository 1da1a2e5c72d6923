package io.forkpool.store;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.dispatch.Priority;
import io.forkpool.dispatch.ShardQueue;
import io.forkpool.job.Job;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import io.forkpool.job.PartialLog;
import io.forkpool.job.ShardLog;
import io.forkpool.job.TenantLoad;
import io.forkpool.job.TimelineSettings;
import io.forkpool.plugin.JobRequest;
import io.forkpool.tenant.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * The durable embedded backend. Unfinished jobs run in this JVM as {@link Job}s on this JVM's fair
 * queue, as in memory; every job is also a row of the store, written before its POST is answered,
 * and each shard's partial is saved before its job counts it. A finished job lives only in the
 * store (its merged partial, from which the result is made again on a read), so a million retained
 * jobs cost disk, not heap. At start, every job the store holds QUEUED or RUNNING goes on from its
 * saved partials.
 */
public final class DurableJobStore implements JobStore, PartialLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DurableJobStore.class);
    private static final String COLUMNS = "seq, id, type, status, request, timeout_seconds, submitted_at, started_at,"
            + " finished_at, shards_done, shards_total, compute_nanos, error, merged, notify, batch, partial_units,"
            + " tenant, priority";
    /** Rows deleted per sweep's transaction: a sweep of a million rows does not stall the writer. */
    private static final int SWEEP_CHUNK = 5_000;

    private final JobDatabase db;
    private final GroupCommitter writes;
    private final JobSettings settings;
    private final ShardQueue shards;
    private final RequestBinder binder;
    private final ObjectMapper json;
    private final ShardLog.Budget attempts;
    /** Jobs not yet written as ended: they run here. */
    private final ConcurrentHashMap<String, Live> live = new ConcurrentHashMap<>();

    private final AtomicInteger active = new AtomicInteger();
    private final TenantLoad load = new TenantLoad();
    private final AtomicLong sequence = new AtomicLong();
    /** Committed rows by status and type, so a page's total and the overview need no count over the table. */
    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    private final Object[] keyLocks = new Object[64];
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final java.util.concurrent.ScheduledThreadPoolExecutor deadlines = deadlineTimer();
    private volatile Consumer<Job.Snapshot> listener = s -> {};
    /** Completes at shutdown's {@link #suspend}: a request waiting for a job is answered with it as it is. */
    private final CompletableFuture<Void> stopping = new CompletableFuture<>();

    /** A job running here and the status its row has in the store (changed on the writer's thread only). */
    private static final class Live {
        final Job job;
        JobStatus stored;
        /** The job's timeout, cancelled (and let go) when it ends. */
        volatile java.util.concurrent.Future<?> deadline;

        Live(Job job, JobStatus stored) {
            this.job = job;
            this.stored = stored;
        }
    }

    private DurableJobStore(
            JobDatabase db,
            JobSettings settings,
            TimelineSettings timeline,
            ShardQueue shards,
            RequestBinder binder,
            ObjectMapper json) {
        this.db = db;
        this.writes = new GroupCommitter(db.writer());
        this.settings = settings;
        this.shards = shards;
        this.binder = binder;
        this.json = json;
        this.attempts = new ShardLog.Budget(timeline);
        for (int i = 0; i < keyLocks.length; i++) {
            keyLocks[i] = new Object();
        }
    }

    /** Opens the store in {@code settings.dir()} and resumes its unfinished jobs on {@code shards}. */
    public static DurableJobStore open(
            StoreSettings store,
            JobSettings settings,
            TimelineSettings timeline,
            ShardQueue shards,
            RequestBinder binder,
            ObjectMapper json) {
        var db = JobDatabase.open(store.dir(), store.readers());
        var jobs = new DurableJobStore(db, settings, timeline, shards, binder, json);
        try {
            jobs.resume();
        } catch (RuntimeException e) {
            jobs.close();
            throw e;
        }
        return jobs;
    }

    // ---- admission ----

    @Override
    public Job.Snapshot submit(Submission job, int maxActive, Keyed key, Tenant tenant) {
        if (key == null) {
            return admit(job, maxActive, null, tenant);
        }
        // One key at a time (this is the only service on the folder): two POSTs with one key make one job.
        synchronized (keyLocks[Math.floorMod(key.key().hashCode(), keyLocks.length)]) {
            var seen = db.read(c -> {
                try (var q = c.prepareStatement("SELECT body, job_id FROM idempotency WHERE key = ?")) {
                    q.setString(1, key.key());
                    try (ResultSet rs = q.executeQuery()) {
                        return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
                    }
                }
            });
            if (seen != null) {
                var held = find(seen[1]);
                if (held.isPresent()) {
                    if (!seen[0].equals(key.body())) {
                        throw new JobRejectedException.KeyReused();
                    }
                    return held.get();
                }
            }
            return admit(job, maxActive, key, tenant);
        }
    }

    private Job.Snapshot admit(Submission submitted, int maxActive, Keyed key, Tenant tenant) {
        JobRequest request = submitted.request();
        load.admit(tenant, 1, request.units());
        if (active.incrementAndGet() > maxActive) {
            active.decrementAndGet();
            load.release(tenant.name(), 1, request.units());
            throw new JobRejectedException.Full(
                    "queue_full", "the service already has " + maxActive + " jobs queued or running");
        }
        var job = newJob(submitted, null, tenant);
        String requestJson = json.writeValueAsString(request);
        // answered only once the job's row is durable
        durably(
                c -> insert(c, job, requestJson, key),
                () -> count(JobStatus.QUEUED, request.type(), 1),
                List.of(job),
                "the job");
        var entry = new Live(job, JobStatus.QUEUED);
        live.put(job.id(), entry);
        start(entry);
        return job.snapshot();
    }

    private Job newJob(Submission s, String batch, Tenant tenant) {
        return new Job(
                s.id(),
                sequence.incrementAndGet(),
                s.request(),
                s.timeoutSeconds(),
                s.notifyUrl(),
                Instant.now(),
                j -> {},
                this::changed,
                attempts,
                this,
                batch,
                tenant.name(),
                s.priority());
    }

    /** Writes {@code change} ({@code what}) and waits until it is durable; if refused, gives back the {@code admitted} jobs' room. */
    private void durably(GroupCommitter.Change change, Runnable counted, List<Job> admitted, String what) {
        try {
            writes.write(change, false, counted).get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            giveBack(admitted);
            throw new JobRejectedException.Full(
                    "store_unavailable", "the job store did not save " + what + " within 30 s");
        } catch (ExecutionException e) {
            giveBack(admitted);
            throw new JobRejectedException.Full(
                    "store_unavailable",
                    what + " could not be saved: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            giveBack(admitted);
            Thread.currentThread().interrupt();
            throw new JobRejectedException.Full("store_unavailable", "interrupted while " + what + " was being saved");
        }
    }

    private void giveBack(List<Job> admitted) {
        active.addAndGet(-admitted.size());
        admitted.forEach(j -> load.release(j.tenant(), 1, j.request().units()));
    }

    // ---- batches ----

    /** All or none: the whole batch is counted against the bound, then its rows and its record are one commit. */
    @Override
    public Batch submitBatch(Batch batch, List<Submission> jobs, int maxActive, Keyed key, Tenant tenant) {
        if (key == null) {
            return admitBatch(batch, jobs, maxActive, null, tenant);
        }
        synchronized (keyLocks[Math.floorMod(key.key().hashCode(), keyLocks.length)]) {
            var seen = batchByKey(key);
            return seen.isPresent() ? seen.get() : admitBatch(batch, jobs, maxActive, key, tenant);
        }
    }

    private Batch admitBatch(Batch batch, List<Submission> submissions, int maxActive, Keyed key, Tenant tenant) {
        int n = submissions.size();
        long units = submissions.stream().mapToLong(j -> j.request().units()).sum();
        load.admit(tenant, n, units);
        if (active.addAndGet(n) > maxActive) {
            active.addAndGet(-n);
            load.release(tenant.name(), n, units);
            throw new JobRejectedException.Full(
                    "queue_full",
                    "the batch's " + n + " jobs do not fit: the service takes " + maxActive
                            + " jobs queued or running");
        }
        var jobs = new ArrayList<Job>(n);
        var requests = new ArrayList<String>(n);
        for (Submission s : submissions) {
            jobs.add(newJob(s, batch.id(), tenant));
            requests.add(json.writeValueAsString(s.request()));
        }
        durably(
                c -> {
                    for (int i = 0; i < n; i++) {
                        insert(c, jobs.get(i), requests.get(i), null);
                    }
                    try (var q = c.prepareStatement(
                            "INSERT INTO batches (id, size, created_at, key, body) VALUES (?, ?, ?, ?, ?)")) {
                        q.setString(1, batch.id());
                        q.setInt(2, batch.size());
                        q.setLong(3, nanos(batch.created()));
                        q.setString(4, key == null ? null : key.key());
                        q.setString(5, key == null ? null : key.body());
                        q.executeUpdate();
                    }
                },
                () -> jobs.forEach(j -> count(JobStatus.QUEUED, j.request().type(), 1)),
                jobs,
                "the batch");
        for (Job job : jobs) {
            var entry = new Live(job, JobStatus.QUEUED);
            live.put(job.id(), entry);
            start(entry);
        }
        return batch;
    }

    @Override
    public Optional<Batch> batchByKey(Keyed key) {
        var seen = db.read(c -> {
            try (var q = c.prepareStatement("SELECT id, size, created_at, body FROM batches WHERE key = ?")) {
                q.setString(1, key.key());
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next()
                            ? new Object[] {
                                new Batch(rs.getString(1), rs.getInt(2), instant(rs.getLong(3))), rs.getString(4)
                            }
                            : null;
                }
            }
        });
        if (seen == null) {
            return Optional.empty();
        }
        if (!key.body().equals(seen[1])) {
            throw new JobRejectedException.KeyReused();
        }
        return Optional.of((Batch) seen[0]);
    }

    @Override
    public Optional<Batch> batch(String id) {
        return Optional.ofNullable(db.read(c -> {
            try (var q = c.prepareStatement("SELECT id, size, created_at FROM batches WHERE id = ?")) {
                q.setString(1, id);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() ? new Batch(rs.getString(1), rs.getInt(2), instant(rs.getLong(3))) : null;
                }
            }
        }));
    }

    /** A batch's jobs (at most 1,000 rows), those running here as they are now. */
    private Page batchPage(JobStatus status, String type, String batch, int page, int size) {
        var all = db.read(c -> {
            try (var q = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE batch = ? ORDER BY seq DESC")) {
                q.setString(1, batch);
                return snapshots(q);
            }
        });
        var matching = all.stream()
                .filter(s -> (status == null || s.status() == status)
                        && (type == null || type.equals(s.request().type())))
                .toList();
        int from = (int) Math.min((long) page * size, matching.size());
        return new Page(matching.subList(from, (int) Math.min((long) from + size, matching.size())), matching.size());
    }

    private static java.util.concurrent.ScheduledThreadPoolExecutor deadlineTimer() {
        var timer = new java.util.concurrent.ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name("job-deadlines").factory());
        timer.setRemoveOnCancelPolicy(true); // an ended job's deadline does not hold it for a day
        return timer;
    }

    /** Queues a job's shards and arms its deadline, counted from its submission (across restarts). */
    private void start(Live entry) {
        Job job = entry.job;
        shards.add(job);
        if (job.timeoutSeconds() != null) {
            Instant due = job.submittedAt().plusSeconds(job.timeoutSeconds());
            long delay = Math.max(0, Duration.between(Instant.now(), due).toMillis());
            int seconds = job.timeoutSeconds();
            entry.deadline = deadlines.schedule(
                    () -> job.fail("timed out after " + seconds + " s"), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void insert(Connection c, Job job, String requestJson, Keyed key) throws SQLException {
        { // the writer's statement, prepared once
            var q = db.writing(
                    c,
                    "INSERT INTO jobs (seq, id, type, status, request, timeout_seconds,"
                            + " submitted_at, shards_total, notify, batch, tenant, priority)"
                            + " VALUES (?, ?, ?, 'QUEUED', ?, ?, ?, ?, ?, ?, ?, ?)");
            q.setLong(1, job.sequence());
            q.setString(2, job.id());
            q.setString(3, job.request().type());
            q.setString(4, requestJson);
            setInteger(q, 5, job.timeoutSeconds());
            q.setLong(6, nanos(job.submittedAt()));
            q.setInt(7, job.request().shardCount());
            q.setString(8, job.notifyUrl());
            q.setString(9, job.batch());
            q.setString(10, job.tenant());
            q.setString(
                    11,
                    job.priority() == Priority.NORMAL ? null : job.priority().label());
            q.executeUpdate();
        }
        if (key != null) {
            { // the writer's statement, prepared once
                var q = db.writing(c, "INSERT OR REPLACE INTO idempotency (key, body, job_id) VALUES (?, ?, ?)");
                q.setString(1, key.key());
                q.setString(2, key.body());
                q.setString(3, job.id());
                q.executeUpdate();
            }
        }
    }

    // ---- while jobs run ----

    /** A shard's partial: saved (one commit with whatever else is waiting), then counted by its job. */
    @Override
    public void save(Job job, int shard, byte[] partial, long computeNanos, Runnable saved) {
        writes.write(
                c -> {
                    if (job.isFinished()) {
                        return; // cancelled or failed meanwhile: its partials are gone with its end
                    }
                    { // the writer's statement, prepared once
                        var q = db.writing(
                                c,
                                "INSERT OR REPLACE INTO partials (job_id, shard, partial,"
                                        + " compute_nanos) VALUES (?, ?, ?, ?)");
                        q.setString(1, job.id());
                        q.setInt(2, shard);
                        q.setBytes(3, partial);
                        q.setLong(4, computeNanos);
                        q.executeUpdate();
                    }
                },
                true,
                saved);
    }

    /** A job started running or ended: its row follows (without waiting), then its listener hears. */
    private void changed(Job job) {
        var s = job.snapshot();
        if (s.status().isFinal()) {
            active.decrementAndGet();
            load.release(s.tenant(), 1, s.request().units());
            // a cancelled job keeps the merge its partial result was made of, and the samples it covers
            byte[] merged = s.status() == JobStatus.SUCCEEDED || s.partialResult() != null ? job.mergedPartial() : null;
            String timeline = json.writeValueAsString(job.shardLog().view());
            // no fsync of its own: its partials are durable, so a crash before the next synced
            // commit ends it again the same way at the next start (a cancel waits for a synced one)
            writes.write(c -> ended(c, s, merged, timeline), true, false, () -> endDurable(s));
        } else if (s.status() == JobStatus.RUNNING) {
            writes.write(
                    c -> {
                        { // the writer's statement, prepared once
                            var q = db.writing(
                                    c,
                                    "UPDATE jobs SET status = 'RUNNING', started_at = ? WHERE id = ? AND status = 'QUEUED'");
                            q.setLong(1, nanos(s.startedAt()));
                            q.setString(2, s.id());
                            q.executeUpdate();
                        }
                    },
                    true,
                    false,
                    () -> {
                        Live entry = live.get(s.id());
                        if (entry != null && entry.stored == JobStatus.QUEUED) {
                            count(JobStatus.QUEUED, s.request().type(), -1);
                            count(JobStatus.RUNNING, s.request().type(), 1);
                            entry.stored = JobStatus.RUNNING;
                        }
                    });
        }
        listener.accept(s);
    }

    private void ended(Connection c, Job.Snapshot s, byte[] merged, String timeline) throws SQLException {
        { // the writer's statement, prepared once
            var q = db.writing(
                    c,
                    "UPDATE jobs SET status = ?, started_at = ?, finished_at = ?, shards_done = ?,"
                            + " compute_nanos = ?, error = ?, merged = ?, timeline = ?, partial_units = ? WHERE id = ?");
            q.setString(1, s.status().name());
            setLong(q, 2, s.startedAt() == null ? null : nanos(s.startedAt()));
            q.setLong(3, nanos(s.finishedAt()));
            q.setInt(4, s.shardsDone());
            q.setLong(5, s.computeNanos());
            q.setString(6, s.error());
            q.setBytes(7, merged);
            q.setString(8, timeline);
            setLong(q, 9, s.partialResult() == null ? null : s.partialResult().samples());
            q.setString(10, s.id());
            q.executeUpdate();
        }
        { // the writer's statement, prepared once
            var q = db.writing(c, "DELETE FROM partials WHERE job_id = ?");
            q.setString(1, s.id());
            q.executeUpdate();
        }
    }

    /** On the writer's thread, once a job's end is durable: it leaves the heap. */
    private void endDurable(Job.Snapshot s) {
        Live entry = live.remove(s.id());
        if (entry == null) {
            return;
        }
        count(entry.stored, s.request().type(), -1);
        count(s.status(), s.request().type(), 1);
        entry.job.shardLog().release();
        var deadline = entry.deadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (finished() > settings.maxRetained() + Math.max(100, settings.maxRetained() / 100)
                && sweeping.compareAndSet(false, true)) {
            deadlines.execute(this::expire); // past the count: a sweep now, not at the next interval
        }
    }

    // ---- reads ----

    @Override
    public Optional<Job.Snapshot> find(String id) {
        Live entry = live.get(id);
        if (entry != null) {
            return Optional.of(entry.job.snapshot());
        }
        var rows = db.read(c -> {
            try (var q = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")) {
                q.setString(1, id);
                return snapshots(q);
            }
        });
        // the job may have ended between the two looks: then its row is written
        return rows.isEmpty()
                ? Optional.ofNullable(live.get(id)).map(e -> e.job.snapshot())
                : Optional.of(rows.getFirst());
    }

    /**
     * Rows of the store, with the jobs running here as they are now: a job that has just ended
     * here is listed by its end before its row says so. Jobs running here are few (at most the
     * queue's bound and those whose end is being written), so the query reads that many more rows.
     */
    @Override
    public Page page(JobStatus status, String type, String batch, String tenant, int page, int size) {
        if (batch != null) {
            var all = batchPage(status, type, batch, 0, Integer.MAX_VALUE).jobs().stream()
                    .filter(s -> tenant == null || tenant.equals(s.tenant()))
                    .toList();
            int from = (int) Math.min((long) page * size, all.size());
            return new Page(all.subList(from, (int) Math.min((long) from + size, all.size())), all.size());
        }
        var here = new ArrayList<Job.Snapshot>();
        var hereIds = new java.util.HashSet<String>();
        long storedMatching = 0;
        for (Live entry : live.values()) {
            var s = entry.job.snapshot();
            hereIds.add(s.id());
            boolean typeMatches =
                    (type == null || type.equals(s.request().type())) && (tenant == null || tenant.equals(s.tenant()));
            if (typeMatches && (status == null || status == s.status())) {
                here.add(s);
            }
            if (typeMatches && (status == null || status == entry.stored)) {
                storedMatching++;
            }
        }
        var where = new StringBuilder();
        var args = new ArrayList<String>();
        if (status != null) {
            where.append(" WHERE status = ?");
            args.add(status.name());
        }
        if (type != null) {
            where.append(where.isEmpty() ? " WHERE" : " AND").append(" type = ?");
            args.add(type);
        }
        if (tenant != null) { // a row from before tenants is the default tenant's
            where.append(where.isEmpty() ? " WHERE" : " AND")
                    .append(tenant.equals(Tenant.DEFAULT_NAME) ? " coalesce(tenant, ?) = ?" : " tenant = ?");
            if (tenant.equals(Tenant.DEFAULT_NAME)) {
                args.add(tenant);
            }
            args.add(tenant);
        }
        long want = (long) (page + 1) * size;
        var rows = db.read(c -> {
            try (var q =
                    c.prepareStatement("SELECT " + COLUMNS + " FROM jobs" + where + " ORDER BY seq DESC LIMIT ?")) {
                int i = 1;
                for (String a : args) {
                    q.setString(i++, a);
                }
                q.setLong(i, want + hereIds.size());
                return snapshots(q, hereIds);
            }
        });
        var seq = new java.util.HashMap<String, Long>();
        live.forEach((id, e) -> seq.put(id, e.job.sequence()));
        var merged = new ArrayList<Row>(rows.size() + here.size());
        rows.forEach(r -> merged.add(r));
        here.forEach(s -> merged.add(new Row(seq.getOrDefault(s.id(), Long.MAX_VALUE), s)));
        merged.sort(java.util.Comparator.comparingLong(Row::seq).reversed());
        long total = tenant != null ? storedCount(where.toString(), args) : heldCount(status, type);
        total = Math.max(0, total - storedMatching) + here.size();
        int from = (int) Math.min((long) page * size, merged.size());
        var jobs = merged.subList(from, (int) Math.min(want, merged.size())).stream()
                .map(Row::job)
                .toList();
        return new Page(jobs, Math.max(total, (long) from + jobs.size()));
    }

    /** The rows of {@code status} and {@code type} (null: any), from the counts held (no query). */
    private long heldCount(JobStatus status, String type) {
        long total = 0;
        for (var e : counts.entrySet()) {
            String[] st = e.getKey().split("\0", 2);
            if ((status == null || status.name().equals(st[0])) && (type == null || type.equals(st[1]))) {
                total += e.getValue().get();
            }
        }
        return total;
    }

    /** The rows matching {@code where} (a tenant's: the counts held per status and type do not split by tenant). */
    private long storedCount(String where, List<String> args) {
        return db.read(c -> {
            try (var q = c.prepareStatement("SELECT count(*) FROM jobs" + where)) {
                for (int i = 0; i < args.size(); i++) {
                    q.setString(i + 1, args.get(i));
                }
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    private record Row(long seq, Job.Snapshot job) {}

    /** The jobs of a query's rows, leaving out those running here ({@code skip}). */
    private List<Row> snapshots(PreparedStatement q, java.util.Set<String> skip) throws SQLException {
        var jobs = new ArrayList<Row>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                if (!skip.contains(rs.getString(2))) {
                    jobs.add(new Row(rs.getLong(1), snapshot(rs)));
                }
            }
        }
        return jobs;
    }

    /** The jobs of a query's rows; a job still running here is shown as it is now. */
    private List<Job.Snapshot> snapshots(PreparedStatement q) throws SQLException {
        var jobs = new ArrayList<Job.Snapshot>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                Live entry = live.get(rs.getString(2));
                jobs.add(entry != null ? entry.job.snapshot() : snapshot(rs));
            }
        }
        return jobs;
    }

    private Job.Snapshot snapshot(ResultSet rs) throws SQLException {
        JobRequest request = binder.read(json.readTree(rs.getString(5)));
        JobStatus status = JobStatus.valueOf(rs.getString(4));
        byte[] merged = rs.getBytes(14);
        Record result =
                status == JobStatus.SUCCEEDED && merged != null ? request.finish(request.decodePartial(merged)) : null;
        Long partialUnits = longOrNull(rs, 17);
        Job.PartialResult partial = status != JobStatus.SUCCEEDED && merged != null && partialUnits != null
                ? Job.PartialResult.stored(
                        request, request.finish(request.decodePartial(merged)), partialUnits, rs.getInt(10))
                : null;
        return new Job.Snapshot(
                rs.getString(2),
                request,
                (Integer) integer(rs, 6),
                status,
                rs.getInt(10),
                rs.getInt(11),
                result,
                rs.getString(13),
                instant(rs.getLong(7)),
                instant(longOrNull(rs, 8)),
                instant(longOrNull(rs, 9)),
                rs.getLong(12),
                rs.getString(15),
                rs.getString(16),
                partial,
                rs.getString(18),
                priority(rs.getString(19)));
    }

    /** A stored priority: null (normal, or a row from before priorities). */
    private static Priority priority(String stored) {
        Priority p = stored == null ? null : Priority.ofLabel(stored);
        return p == null ? Priority.NORMAL : p;
    }

    @Override
    public Optional<ShardLog.View> shards(String id) {
        Live entry = live.get(id);
        if (entry != null) {
            return Optional.of(entry.job.shardLog().view());
        }
        String timeline = db.read(c -> {
            try (var q = c.prepareStatement("SELECT timeline FROM jobs WHERE id = ?")) {
                q.setString(1, id);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)).orElse("") : null;
                }
            }
        });
        if (timeline == null) {
            return Optional.empty();
        }
        return Optional.of(
                timeline.isEmpty()
                        ? new ShardLog.View(0, List.of(), null)
                        : json.readValue(timeline, ShardLog.View.class));
    }

    // ---- changes by request ----

    @Override
    public Optional<Job.Snapshot> cancel(String id) {
        Live entry = live.get(id);
        if (entry == null) {
            return find(id);
        }
        entry.job.cancel();
        awaitDurable();
        return Optional.of(entry.job.snapshot());
    }

    /** One wait for all the ends to be durable (a batch's thousand cancels in a few commits). */
    @Override
    public void cancelAll(Collection<String> ids) {
        for (String id : ids) {
            Live entry = live.get(id);
            if (entry != null) {
                entry.job.cancel();
            }
        }
        awaitDurable();
    }

    @Override
    public boolean fail(String id, String problem) {
        Live entry = live.get(id);
        boolean ended = entry != null && entry.job.fail(problem);
        if (ended) {
            awaitDurable();
        }
        return ended;
    }

    /** A cancel is answered once it is durable: after a crash the job stays cancelled. */
    private void awaitDurable() {
        try {
            writes.barrier().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("store: a job's end is not durable yet: {}", e.toString());
        }
    }

    @Override
    public Optional<Job.Snapshot> await(String id, Duration timeout) throws InterruptedException {
        Live entry = live.get(id);
        if (entry == null) {
            return find(id);
        }
        try {
            // its partials are durable: a crash before its end is written ends it again the same way
            CompletableFuture.anyOf(entry.job.finished(), stopping).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // not ended in time: the job as it is
        }
        return Optional.of(entry.job.snapshot());
    }

    @Override
    public int active() {
        return active.get();
    }

    /** None: an unfinished job stays in the store and resumes at the next start. */
    @Override
    public List<String> endWithThisProcess() {
        return List.of();
    }

    @Override
    public List<String> runningHere() {
        return live.values().stream()
                .filter(e -> !e.job.isFinished())
                .map(e -> e.job.id())
                .toList();
    }

    @Override
    public void suspend() {
        writes.barrier().completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
        writes.suspend();
        stopping.complete(null);
    }

    // ---- retention ----

    /** Deletes finished jobs past their retention, then the oldest beyond the count, a chunk per commit. */
    @Override
    public void expire() {
        try {
            long cutoff = nanos(Instant.now().minus(settings.retention()));
            while (sweep("finished_at < " + cutoff, SWEEP_CHUNK) == SWEEP_CHUNK) {
                // more past their retention
            }
            long excess;
            while ((excess = finished() - settings.maxRetained()) > 0) {
                if (sweep(null, (int) Math.min(excess, SWEEP_CHUNK)) == 0) {
                    break;
                }
            }
        } finally {
            sweeping.set(false);
        }
    }

    /** Deletes up to {@code limit} finished jobs, oldest end first (those matching {@code condition}); how many. */
    private int sweep(String condition, int limit) {
        var deleted = new ArrayList<String[]>();
        try {
            writes.write(
                            c -> {
                                deleted.clear();
                                deleted.addAll(deleteOldest(c, condition, limit));
                            },
                            false,
                            () -> deleted.forEach(d -> count(JobStatus.valueOf(d[1]), d[2], -1)))
                    .get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("store: old jobs not deleted now: {}", e.toString());
            return 0;
        }
        return deleted.size();
    }

    private static List<String[]> deleteOldest(Connection c, String condition, int limit) throws SQLException {
        var gone = new ArrayList<String[]>();
        try (var q = c.prepareStatement("SELECT id, status, type FROM jobs WHERE finished_at IS NOT NULL"
                + (condition == null ? "" : " AND " + condition) + " ORDER BY finished_at LIMIT ?")) {
            q.setInt(1, limit);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    gone.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        delete(c, gone.stream().map(g -> g[0]).toList());
        return gone;
    }

    private static void delete(Connection c, List<String> ids) throws SQLException {
        for (String table : List.of(
                "DELETE FROM jobs WHERE id = ?",
                "DELETE FROM idempotency WHERE job_id = ?",
                "DELETE FROM deliveries WHERE job_id = ?",
                "DELETE FROM partials WHERE job_id = ?")) {
            try (var q = c.prepareStatement(table)) {
                for (String id : ids) {
                    q.setString(1, id);
                    q.addBatch();
                }
                q.executeBatch();
            }
        }
        try (var q = c.prepareStatement(
                "DELETE FROM batches WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.batch = batches.id)")) {
            q.executeUpdate(); // a batch is kept as long as one of its jobs
        }
    }

    /** Forgets these jobs (the warm-up's own): cancels any not ended, then deletes their rows. */
    @Override
    public void forget(Collection<String> ids) {
        for (String id : ids) {
            Live entry = live.get(id);
            if (entry != null) {
                entry.job.cancel();
            }
        }
        var list = List.copyOf(ids);
        var deleted = new ArrayList<String[]>();
        try {
            writes.write(
                            c -> {
                                deleted.clear();
                                for (String id : list) {
                                    try (var q = c.prepareStatement("SELECT status, type FROM jobs WHERE id = ?")) {
                                        q.setString(1, id);
                                        try (ResultSet rs = q.executeQuery()) {
                                            if (rs.next()) {
                                                deleted.add(new String[] {rs.getString(1), rs.getString(2)});
                                            }
                                        }
                                    }
                                }
                                delete(c, list);
                            },
                            true,
                            () -> deleted.forEach(d -> count(JobStatus.valueOf(d[0]), d[1], -1)))
                    .get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("store: the warm-up's jobs were not deleted: {}", e.toString());
        }
    }

    // ---- the rest of the contract ----

    /** The webhook attempts of this store's jobs, in its database. */
    public io.forkpool.webhook.DeliveryLog deliveries() {
        return new DeliveryTable(db, writes, json);
    }

    @Override
    public synchronized void listen(Consumer<Job.Snapshot> changes) {
        this.listener = listener.andThen(changes);
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public boolean resumesAfterRestart() {
        return true;
    }

    /** Bytes of the data folder's database and log (the {@code forkpool_store_bytes} gauge). */
    public long bytes() {
        return db.bytes();
    }

    /** Why the store refuses writes now (a full disk), or null. */
    public String refusal() {
        return writes.refusal();
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        try {
            writes.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        db.close();
    }

    // ---- start ----

    /** Counts the rows, then puts every QUEUED or RUNNING job back to work from its saved partials. */
    private void resume() {
        db.read(c -> {
            try (var q = c.prepareStatement("SELECT status, type, count(*) FROM jobs GROUP BY status, type");
                    ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    count(JobStatus.valueOf(rs.getString(1)), rs.getString(2), rs.getLong(3));
                }
            }
            try (var q = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM jobs");
                    ResultSet rs = q.executeQuery()) {
                sequence.set(rs.next() ? rs.getLong(1) : 0);
            }
            return null;
        });
        var unfinished = db.read(c -> {
            var rows = new ArrayList<Object[]>();
            try (var q =
                    c.prepareStatement("SELECT seq, id, request, timeout_seconds, submitted_at, started_at, status,"
                            + " type, notify, batch, tenant, priority FROM jobs WHERE status IN ('QUEUED', 'RUNNING')"
                            + " ORDER BY seq")) {
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Object[] {
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            integer(rs, 4),
                            rs.getLong(5),
                            longOrNull(rs, 6),
                            rs.getString(7),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getString(11),
                            rs.getString(12)
                        });
                    }
                }
            }
            return rows;
        });
        int resumed = 0;
        long reused = 0;
        for (Object[] row : unfinished) {
            String id = (String) row[1];
            JobRequest request;
            try {
                request = binder.read(json.readTree((String) row[2]));
            } catch (RuntimeException e) {
                failUnreadable(id, JobStatus.valueOf((String) row[6]), (String) row[7], e);
                continue;
            }
            var saved = db.read(c -> {
                var partials = new TreeMap<Integer, Job.Saved>();
                try (var q = c.prepareStatement(
                        "SELECT shard, partial, compute_nanos FROM partials WHERE job_id = ? ORDER BY shard")) {
                    q.setString(1, id);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            partials.put(rs.getInt(1), new Job.Saved(rs.getBytes(2), rs.getLong(3)));
                        }
                    }
                }
                return partials;
            });
            var job = new Job(
                    id,
                    (Long) row[0],
                    request,
                    (Integer) row[3],
                    (String) row[8],
                    instant((Long) row[4]),
                    j -> {},
                    this::changed,
                    attempts,
                    this,
                    (String) row[9],
                    (String) row[10],
                    priority((String) row[11]));
            job.resume(instant((Long) row[5]), saved);
            var entry = new Live(job, JobStatus.valueOf((String) row[6]));
            live.put(id, entry);
            active.incrementAndGet();
            load.resumed(job.tenant(), request.units());
            resumed++;
            reused += saved.size();
            start(entry);
            job.finishIfComplete();
        }
        if (resumed > 0) {
            log.info(
                    "store: {} unfinished job(s) resumed from {}, {} shard(s) already merged",
                    resumed,
                    db.file(),
                    reused);
        }
    }

    private void failUnreadable(String id, JobStatus was, String type, RuntimeException e) {
        String problem = "could not be resumed after a restart: " + e.getMessage();
        log.warn("store: job {} {}", id, problem);
        writes.write(
                c -> {
                    try (var q = c.prepareStatement(
                            "UPDATE jobs SET status = 'FAILED', error = ?, finished_at = ? WHERE id = ?")) {
                        q.setString(1, problem);
                        q.setLong(2, nanos(Instant.now()));
                        q.setString(3, id);
                        q.executeUpdate();
                    }
                },
                true,
                () -> {
                    count(was, type, -1);
                    count(JobStatus.FAILED, type, 1);
                });
    }

    // ---- small things ----

    private void count(JobStatus status, String type, long delta) {
        counts.computeIfAbsent(status.name() + "\0" + type, k -> new AtomicLong())
                .addAndGet(delta);
    }

    private long finished() {
        long n = 0;
        for (Map.Entry<String, AtomicLong> e : counts.entrySet()) {
            if (JobStatus.valueOf(e.getKey().substring(0, e.getKey().indexOf('\0')))
                    .isFinal()) {
                n += e.getValue().get();
            }
        }
        return n;
    }

    static long nanos(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    }

    private static Instant instant(Long nanos) {
        return nanos == null ? null : Instant.ofEpochSecond(0, nanos);
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Object integer(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static void setInteger(PreparedStatement q, int i, Integer v) throws SQLException {
        if (v == null) {
            q.setNull(i, Types.INTEGER);
        } else {
            q.setInt(i, v);
        }
    }

    private static void setLong(PreparedStatement q, int i, Long v) throws SQLException {
        if (v == null) {
            q.setNull(i, Types.INTEGER);
        } else {
            q.setLong(i, v);
        }
    }

    /** Completes once every write before it is durable (tests). */
    CompletableFuture<Void> flushed() {
        return writes.barrier();
    }
}
