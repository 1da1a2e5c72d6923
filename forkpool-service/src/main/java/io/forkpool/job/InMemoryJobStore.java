package io.forkpool.job;

import io.forkpool.dispatch.ShardQueue;
import io.forkpool.tenant.Tenant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The embedded backend: jobs in this JVM, newest first, their shards on this JVM's queue. Finished
 * jobs are forgotten after {@link JobSettings#retention()}, and the oldest finished one as soon as
 * another would make more than {@link JobSettings#maxRetained()}: the bound holds at every moment,
 * not only after a sweep, so a flood of tiny jobs cannot grow the heap between sweeps.
 */
public final class InMemoryJobStore implements JobStore {

    private final JobSettings settings;
    private final ShardQueue shards;
    private final ConcurrentHashMap<String, Job> byId = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, Job> bySequence = new ConcurrentSkipListMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private final TenantLoad load = new TenantLoad();
    private final ConcurrentHashMap<String, KeyedJob> idempotencyKeys = new ConcurrentHashMap<>();
    /** Batches by id, and their keys (a key's {@code jobId} is then the batch's id). */
    private final ConcurrentHashMap<String, Batch> batches = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, KeyedJob> batchKeys = new ConcurrentHashMap<>();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("job-deadlines").factory());
    /** The finished jobs held, in the order they ended (oldest first); guarded by itself. */
    private final ArrayDeque<Ended> ended = new ArrayDeque<>();

    private volatile Consumer<Job.Snapshot> listener = s -> {};
    /** Shard tries kept one by one for the timelines (ShardLog); past it, they are summarised. */
    private final ShardLog.Budget attempts;

    public InMemoryJobStore(JobSettings settings, ShardQueue shards) {
        this(settings, shards, TimelineSettings.DEFAULTS);
    }

    public InMemoryJobStore(JobSettings settings, ShardQueue shards, TimelineSettings timeline) {
        this.settings = settings;
        this.shards = shards;
        this.attempts = new ShardLog.Budget(timeline);
    }

    @Override
    public Job.Snapshot submit(Submission job, int maxActive, Keyed key, Tenant tenant) {
        if (key == null) {
            return admit(job, maxActive, tenant);
        }
        // compute() holds this key's bin while the job is admitted: concurrent POSTs with one key
        // make one job, and a failed admission leaves the key free.
        var answer = new AtomicReference<Job.Snapshot>();
        idempotencyKeys.compute(key.key(), (k, seen) -> {
            Job held = seen == null ? null : byId.get(seen.jobId());
            if (held != null) {
                if (!seen.body().equals(key.body())) {
                    throw new JobRejectedException.KeyReused();
                }
                answer.set(held.snapshot());
                return seen;
            }
            answer.set(admit(job, maxActive, tenant));
            return new KeyedJob(key.body(), job.id());
        });
        return answer.get();
    }

    private record KeyedJob(String body, String jobId) {}

    /** All or none: the whole batch is counted against the bound at once, then its jobs are queued. */
    @Override
    public Batch submitBatch(Batch batch, List<Submission> jobs, int maxActive, Keyed key, Tenant tenant) {
        if (key == null) {
            return admitBatch(batch, jobs, maxActive, tenant);
        }
        var answer = new AtomicReference<Batch>();
        batchKeys.compute(key.key(), (k, seen) -> {
            Batch held = seen == null ? null : batches.get(seen.jobId());
            if (held != null) {
                if (!seen.body().equals(key.body())) {
                    throw new JobRejectedException.KeyReused();
                }
                answer.set(held);
                return seen;
            }
            answer.set(admitBatch(batch, jobs, maxActive, tenant));
            return new KeyedJob(key.body(), batch.id());
        });
        return answer.get();
    }

    private Batch admitBatch(Batch batch, List<Submission> jobs, int maxActive, Tenant tenant) {
        long units = jobs.stream().mapToLong(j -> j.request().units()).sum();
        load.admit(tenant, jobs.size(), units);
        if (active.addAndGet(jobs.size()) > maxActive) {
            active.addAndGet(-jobs.size());
            load.release(tenant.name(), jobs.size(), units);
            throw new JobRejectedException.Full(
                    "queue_full",
                    "the batch's " + jobs.size() + " jobs do not fit: the service takes " + maxActive
                            + " jobs queued or running");
        }
        batches.put(batch.id(), batch);
        for (Submission job : jobs) {
            queue(job, batch.id(), tenant);
        }
        return batch;
    }

    @Override
    public Optional<Batch> batch(String id) {
        return Optional.ofNullable(batches.get(id));
    }

    private Job.Snapshot admit(Submission submitted, int maxActive, Tenant tenant) {
        load.admit(tenant, 1, submitted.request().units());
        if (active.incrementAndGet() > maxActive) {
            active.decrementAndGet();
            load.release(tenant.name(), 1, submitted.request().units());
            throw new JobRejectedException.Full(
                    "queue_full", "the service already has " + maxActive + " jobs queued or running");
        }
        return queue(submitted, null, tenant);
    }

    /** Records and queues a job already counted in {@link #active} and {@link #load}. */
    private Job.Snapshot queue(Submission submitted, String batch, Tenant tenant) {
        forgetExpired();
        String id = submitted.id();
        Integer timeoutSeconds = submitted.timeoutSeconds();
        var job = new Job(
                id,
                sequence.incrementAndGet(),
                submitted.request(),
                timeoutSeconds,
                submitted.notifyUrl(),
                Instant.now(),
                this::ending,
                this::changed,
                attempts,
                null,
                batch,
                tenant.name(),
                submitted.priority());
        byId.put(id, job);
        bySequence.put(job.sequence(), job);
        shards.add(job);
        if (timeoutSeconds != null) {
            deadlines.schedule(
                    () -> job.fail("timed out after " + timeoutSeconds + " s"), timeoutSeconds, TimeUnit.SECONDS);
        }
        return job.snapshot();
    }

    private record Ended(String id, long sequence, Instant at) {}

    /**
     * Called under {@code job}'s lock just before it turns final: it joins the finished jobs and
     * the oldest beyond the count are forgotten first, so at no moment are more finished ones held.
     * Takes no other job's lock.
     */
    private void ending(Job job) {
        synchronized (ended) {
            ended.addLast(new Ended(job.id(), job.sequence(), Instant.now()));
            while (ended.size() > settings.maxRetained()) {
                forget(ended.removeFirst());
            }
            forgetExpired();
        }
    }

    @Override
    public void forget(java.util.Collection<String> ids) {
        for (String id : ids) {
            Job job = byId.get(id);
            if (job != null) {
                job.cancel();
            }
        }
        var gone = new java.util.HashSet<>(ids);
        synchronized (ended) {
            for (var it = ended.iterator(); it.hasNext(); ) {
                Ended job = it.next();
                if (gone.contains(job.id())) {
                    it.remove();
                    forget(job);
                }
            }
        }
    }

    private void forget(Ended job) {
        Job gone = byId.remove(job.id());
        bySequence.remove(job.sequence());
        if (gone != null) {
            gone.shardLog().release();
        }
    }

    /** Drops the finished jobs past their retention: a prefix of {@link #ended}, kept in time order. */
    private void forgetExpired() {
        var cutoff = Instant.now().minus(settings.retention());
        synchronized (ended) {
            while (!ended.isEmpty() && ended.peekFirst().at().isBefore(cutoff)) {
                forget(ended.removeFirst());
            }
        }
    }

    private void changed(Job job) {
        var s = job.snapshot();
        if (s.status().isFinal()) {
            active.decrementAndGet();
            load.release(s.tenant(), 1, s.request().units());
        }
        listener.accept(s);
    }

    @Override
    public Optional<Job.Snapshot> find(String id) {
        return Optional.ofNullable(byId.get(id)).map(Job::snapshot);
    }

    @Override
    public Page page(JobStatus status, String type, String batch, String tenant, int page, int size) {
        var matching = bySequence.descendingMap().values().stream()
                .map(Job::snapshot)
                .filter(s -> (status == null || s.status() == status)
                        && (type == null || s.request().type().equals(type))
                        && (batch == null || batch.equals(s.batch()))
                        && (tenant == null || tenant.equals(s.tenant())))
                .toList();
        long from = Math.min((long) page * size, matching.size());
        return new Page(matching.subList((int) from, (int) Math.min(from + size, matching.size())), matching.size());
    }

    @Override
    public Optional<Job.Snapshot> cancel(String id) {
        var job = Optional.ofNullable(byId.get(id));
        job.ifPresent(Job::cancel);
        return job.map(Job::snapshot);
    }

    @Override
    public boolean fail(String id, String problem) {
        Job job = byId.get(id);
        return job != null && job.fail(problem);
    }

    @Override
    public Optional<Job.Snapshot> await(String id, Duration timeout) throws InterruptedException {
        Job job = byId.get(id);
        if (job == null) {
            return Optional.empty();
        }
        try {
            job.finished().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // not ended in time: the job as it is
        }
        return Optional.of(job.snapshot());
    }

    @Override
    public int active() {
        return active.get();
    }

    @Override
    public List<String> endWithThisProcess() {
        return byId.values().stream().filter(j -> !j.isFinished()).map(Job::id).toList();
    }

    /** Drops finished jobs past their retention (the count is held as jobs end). */
    @Override
    public void expire() {
        forgetExpired();
        idempotencyKeys.values().removeIf(k -> !byId.containsKey(k.jobId())); // a key lives as long as its job
        // a batch lives as long as one of its jobs
        var held = new java.util.HashSet<String>();
        byId.values().forEach(j -> {
            if (j.batch() != null) {
                held.add(j.batch());
            }
        });
        var young = Instant.now().minusSeconds(60); // one being admitted now has no job listed yet
        batches.values().removeIf(b -> !held.contains(b.id()) && b.created().isBefore(young));
        batchKeys.values().removeIf(k -> !batches.containsKey(k.jobId()));
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
    public Optional<ShardLog.View> shards(String id) {
        return Optional.ofNullable(byId.get(id)).map(job -> job.shardLog().view());
    }
}
