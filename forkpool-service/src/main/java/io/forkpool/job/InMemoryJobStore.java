package io.forkpool.job;

import io.forkpool.dispatch.ShardQueue;
import io.forkpool.plugin.JobRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The embedded backend: jobs in this JVM, newest first, their shards on this JVM's queue. Finished
 * jobs are forgotten after {@link JobSettings#retention()} or when more than
 * {@link JobSettings#maxRetained()} have ended.
 */
public final class InMemoryJobStore implements JobStore {

    private final JobSettings settings;
    private final ShardQueue shards;
    private final ConcurrentHashMap<String, Job> byId = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, Job> bySequence = new ConcurrentSkipListMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private final ConcurrentHashMap<String, KeyedJob> idempotencyKeys = new ConcurrentHashMap<>();
    private final ScheduledExecutorService deadlines =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("job-deadlines").factory());
    private volatile Consumer<Job.Snapshot> listener = s -> {};

    public InMemoryJobStore(JobSettings settings, ShardQueue shards) {
        this.settings = settings;
        this.shards = shards;
    }

    @Override
    public Job.Snapshot submit(String id, JobRequest request, Integer timeoutSeconds, int maxActive, Keyed key) {
        if (key == null) {
            return admit(id, request, timeoutSeconds, maxActive);
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
            answer.set(admit(id, request, timeoutSeconds, maxActive));
            return new KeyedJob(key.body(), id);
        });
        return answer.get();
    }

    private record KeyedJob(String body, String jobId) {}

    private Job.Snapshot admit(String id, JobRequest request, Integer timeoutSeconds, int maxActive) {
        if (active.incrementAndGet() > maxActive) {
            active.decrementAndGet();
            throw new JobRejectedException.Full("queue_full",
                    "the service already has " + maxActive + " jobs queued or running");
        }
        var job = new Job(id, sequence.incrementAndGet(), request, timeoutSeconds, this::changed);
        byId.put(id, job);
        bySequence.put(job.sequence(), job);
        shards.add(job);
        if (timeoutSeconds != null) {
            deadlines.schedule(() -> job.fail("timed out after " + timeoutSeconds + " s"), timeoutSeconds,
                    TimeUnit.SECONDS);
        }
        return job.snapshot();
    }

    private void changed(Job job) {
        var s = job.snapshot();
        if (s.status().isFinal()) {
            active.decrementAndGet();
        }
        listener.accept(s);
    }

    @Override
    public Optional<Job.Snapshot> find(String id) {
        return Optional.ofNullable(byId.get(id)).map(Job::snapshot);
    }

    @Override
    public Page page(JobStatus status, String type, int page, int size) {
        var matching = bySequence.descendingMap().values().stream().map(Job::snapshot)
                .filter(s -> (status == null || s.status() == status)
                        && (type == null || s.request().type().equals(type)))
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

    /** Drops finished jobs past their retention, then the oldest finished beyond the count. */
    @Override
    public void expire() {
        var cutoff = Instant.now().minus(settings.retention());
        int finishedKept = 0;
        for (Job job : bySequence.descendingMap().values()) {
            var s = job.snapshot();
            if (!s.status().isFinal()) {
                continue;
            }
            if (s.finishedAt().isBefore(cutoff) || ++finishedKept > settings.maxRetained()) {
                byId.remove(job.id());
                bySequence.remove(job.sequence());
            }
        }
        idempotencyKeys.values().removeIf(k -> !byId.containsKey(k.jobId())); // a key lives as long as its job
    }

    @Override
    public void listen(Consumer<Job.Snapshot> changes) {
        this.listener = changes;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }
}
