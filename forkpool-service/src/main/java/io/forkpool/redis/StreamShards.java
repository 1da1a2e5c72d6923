package io.forkpool.redis;

import io.forkpool.dispatch.ShardSettings;
import io.forkpool.dispatch.ShardSink;
import io.forkpool.dispatch.ShardTask;
import io.forkpool.dispatch.ShardTransport;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shards of all replicas: a Redis Stream read by one consumer group, this replica being one
 * consumer. It reads only as many entries as it has idle workers; when the stream is dry it moves
 * the next few shards of the waiting jobs onto it (the feed script), so a huge job never floods
 * it. Entries a dead or hung replica held longer than a shard's deadline are claimed here
 * (XAUTOCLAIM); one delivered more than max-attempts times goes to the dead-letter stream and its
 * job fails. A heartbeat key per replica tells which consumers are gone, so they can be removed.
 */
final class StreamShards implements ShardTransport, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamShards.class);
    private static final Duration BLOCK = Duration.ofMillis(250);
    private static final Duration DRY = Duration.ofMillis(20);
    /** Shards shorter than this are read one ahead (a loopback round trip is ~0.1 ms, more under load). */
    private static final Duration READ_AHEAD_BELOW = Duration.ofMillis(5);

    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration HEARTBEAT_TTL = Duration.ofSeconds(5);

    private final RedisLink redis;
    private final RedisLink reader;
    private final JobEnds ends;
    private final RedisKeys keys;
    private final StreamJobs jobs;
    private final Reclaims reclaims;
    private final ShardSettings settings;
    private final String consumer;
    private final LinkedBlockingDeque<ShardTask> local = new LinkedBlockingDeque<>();
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("redis-housekeeping").factory());
    private volatile boolean groupReady;
    private volatile boolean blocked;
    /** Whether the last read found entries waiting unread: only then is there one to read ahead. */
    private volatile boolean backlog;

    private volatile long dryAtNanos;
    private final AtomicBoolean readingAhead = new AtomicBoolean();
    /** Compute time of this replica's recent shards (moving average); none yet: read nothing ahead. */
    private volatile long recentShardNanos = Long.MAX_VALUE;

    private long nextReclaimNanos;
    private long lastWarnNanos;

    StreamShards(
            RedisLink redis,
            RedisLink reader,
            JobEnds ends,
            RedisKeys keys,
            RedisJobStore store,
            ShardSettings settings,
            ForkpoolMetrics metrics,
            String consumer) {
        this.ends = ends;
        this.redis = redis;
        this.reader = reader;
        this.keys = keys;
        this.jobs = new StreamJobs(store.jobs());
        this.reclaims = new Reclaims(redis, keys, jobs, settings, metrics, consumer);
        this.settings = settings;
        this.consumer = consumer;
        // A shard takes at most max-attempts tries, and one more answering late after a reclaim;
        // twice that margin: jobs this small keep every try in their tries list, no summary needed.
        jobs.summariseJobsOver(ShardTries.CAP / (2 * (settings.maxAttempts() + 1)));
        housekeeping.scheduleWithFixedDelay(this::heartbeat, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(reclaims::removeDeadConsumers, 10, 10, TimeUnit.SECONDS);
    }

    /** This replica's consumer name in the group. */
    public String consumer() {
        return consumer;
    }

    @Override
    public String replica() {
        return consumer;
    }

    /**
     * Local retries first, then reclaims when due, then the TAKE script (unread entries, else the
     * next shards of the waiting jobs, in one round trip); with nothing there, a blocking read,
     * which any replica's XADD wakes at once.
     */
    @Override
    public ShardTask take(int idleWorkers) throws InterruptedException {
        int count = Math.max(1, idleWorkers);
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            ShardTask task = local.pollFirst();
            if (task != null) {
                return task;
            }
            try {
                ensureGroup();
                if (System.nanoTime() - nextReclaimNanos >= 0) {
                    nextReclaimNanos = System.nanoTime() + reclaimEvery().toNanos();
                    reclaims.reclaim(count, this::queue);
                    if (!local.isEmpty()) {
                        continue;
                    }
                }
                // A TAKE that found nothing a moment ago also found nothing to feed; any shard since
                // came with an XADD, which the blocking read sees: do not ask twice.
                boolean dry = System.nanoTime() - dryAtNanos < DRY.toNanos();
                dryAtNanos = 0;
                int ahead = ahead();
                var taken = dry ? List.<StreamJobs.Delivery>of() : jobs.take(consumer, count, ahead);
                backlog = ahead > 0 && taken.size() > count;
                if (taken.isEmpty()) {
                    List<StreamMessage<String, String>> read;
                    blocked = true; // a worker is idle here: no reading ahead
                    try {
                        read = reader.sync()
                                .xreadgroup(
                                        Consumer.from(keys.group(), consumer),
                                        XReadArgs.Builder.count(count).block(BLOCK),
                                        XReadArgs.StreamOffset.lastConsumed(keys.shards()));
                    } finally {
                        blocked = false;
                    }
                    if (read != null && !read.isEmpty()) {
                        taken = jobs.accept(read);
                    }
                }
                for (var d : taken) {
                    queue(d, 0);
                }
            } catch (RedisException e) {
                if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                    groupReady = false; // the stream was lost (Redis without persistence restarted)
                }
                warn("cannot read shards from Redis: " + e.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    /**
     * The next shard for the worker that just answered, on its reader thread: one read ahead if
     * there is one, else one TAKE round trip (not a wake-up of the dispatcher thread and then the
     * same round trip). Never waits for shards to appear; null sends the worker back to the
     * dispatcher and its blocking read.
     */
    @Override
    public ShardTask poll() {
        ShardTask task = local.pollFirst();
        if (task == null && groupReady) {
            try {
                int ahead = ahead();
                var taken = jobs.take(consumer, 1, ahead);
                if (taken.isEmpty()) {
                    dryAtNanos = System.nanoTime();
                }
                backlog = ahead > 0 && taken.size() > 1;
                for (var d : taken) {
                    queue(d, 0);
                }
            } catch (RedisException e) {
                return null; // the dispatcher's take() reports it
            }
            task = local.pollFirst();
        }
        if (task != null) {
            readAhead();
        }
        return task;
    }

    /**
     * While shards are short (a round trip is a fair part of one), keeps one shard read ahead,
     * so that a worker that answers finds its next shard here without waiting for Redis. Never
     * for long shards: a shard read ahead waits for this replica's worker even if another
     * replica's is idle, at worst one shard's time.
     */
    private void readAhead() {
        if (ahead() == 0 || !backlog || !local.isEmpty() || blocked || !readingAhead.compareAndSet(false, true)) {
            return;
        }
        try {
            jobs.takeAhead(consumer, ahead(), taken -> {
                backlog = !taken.isEmpty();
                for (var d : taken) {
                    queue(d, 0);
                }
                readingAhead.set(false);
            });
        } catch (RedisException e) {
            readingAhead.set(false);
        }
    }

    private int ahead() {
        return recentShardNanos < READ_AHEAD_BELOW.toNanos() ? 1 : 0;
    }

    @Override
    public void retry(ShardTask task) {
        local.addFirst(task);
    }

    @Override
    public long queued() {
        try {
            return redis.sync().xlen(keys.shards()) + local.size();
        } catch (RedisException e) {
            return local.size();
        }
    }

    private void queue(StreamJobs.Delivery d, int attempt) {
        local.addLast(new ShardTask(new Entry(d.entry(), d.job(), jobs.request(d.job())), d.shard(), attempt));
    }

    private void ensureGroup() {
        if (groupReady) {
            return;
        }
        try {
            redis.sync()
                    .xgroupCreate(
                            XReadArgs.StreamOffset.from(keys.shards(), "0"),
                            keys.group(),
                            XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // BUSYGROUP: another replica made it
        }
        groupReady = true;
    }

    /** Also subscribes to the ends of jobs once Redis answers (it may be down at boot). */
    private void heartbeat() {
        try {
            ends.subscribe();
            redis.sync().psetex(keys.heartbeat(consumer), HEARTBEAT_TTL.toMillis(), "1");
        } catch (RuntimeException e) {
            // readiness reports it; the reader warns
        }
    }

    private Duration reclaimEvery() {
        long half = settings.timeout().toMillis() / 2;
        return Duration.ofMillis(Math.max(250, Math.min(half, 2000)));
    }

    private void warn(String message) {
        if (System.nanoTime() - lastWarnNanos > TimeUnit.SECONDS.toNanos(10)) {
            lastWarnNanos = System.nanoTime();
            log.warn(message);
        }
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        try {
            redis.sync().del(keys.heartbeat(consumer));
        } catch (RuntimeException e) {
            // gone anyway after its TTL
        }
    }

    /** One stream entry: one shard of one job, acknowledged when merged, dropped or dead-lettered. */
    private final class Entry implements ShardSink {

        private final String id;
        private final String job;
        private final JobRequest request;
        /** Set by attemptEnded just before shardDone, on the same thread (ShardOutcomes'). */
        private io.forkpool.dispatch.ShardAttempt doneTry;

        Entry(String id, String job, JobRequest request) {
            this.id = id;
            this.job = job;
            this.request = request;
        }

        @Override
        public JobRequest request() {
            return request;
        }

        /** What this replica heard: a cancel elsewhere reaches it in a pub/sub message, not a round trip. */
        @Override
        public boolean isFinished() {
            return jobs.hasEnded(job);
        }

        @Override
        public void dispatched() {
            // the TAKE script started the job when it handed out the shard
        }

        @Override
        public void shardDone(int shard, byte[] partial, long computeNanos) {
            long recent = recentShardNanos;
            recentShardNanos = recent == Long.MAX_VALUE ? computeNanos : (3 * recent + computeNanos) / 4;
            jobs.merge(id, job, shard, partial, computeNanos, doneTry);
        }

        @Override
        public void shardFailed(int shard, String problem) {
            reclaims.deadLetter(id, job, shard, problem);
        }

        @Override
        public String jobId() {
            return job;
        }

        @Override
        public String traceparent() {
            return jobs.traceparent(job);
        }

        @Override
        public String tenant() {
            return jobs.tenant(job);
        }

        /** A successful try goes with its merge (one script); others on their own. */
        @Override
        public void attemptEnded(io.forkpool.dispatch.ShardAttempt attempt) {
            if (io.forkpool.dispatch.ShardAttempt.DONE.equals(attempt.outcome())) {
                doneTry = attempt.on(consumer);
            } else {
                jobs.recordAttempt(job, attempt.on(consumer));
            }
        }

        @Override
        public void skipped(int shard) {
            jobs.drop(id);
        }
    }
}
