package io.forkpool.redis;

import io.forkpool.dispatch.ShardSettings;
import io.forkpool.dispatch.ShardTask;
import io.forkpool.dispatch.ShardTransport;
import io.forkpool.dispatch.ShardedWork;
import io.forkpool.plugin.JobRequest;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
public final class StreamShards implements ShardTransport, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamShards.class);
    private static final Duration BLOCK = Duration.ofMillis(250);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration HEARTBEAT_TTL = Duration.ofSeconds(5);

    private final RedisLink redis;
    private final RedisLink reader;
    private final RedisKeys keys;
    private final RedisJobStore jobs;
    private final ShardSettings settings;
    private final String consumer;
    private final LinkedBlockingDeque<ShardTask> local = new LinkedBlockingDeque<>();
    private final ScheduledExecutorService housekeeping =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("redis-housekeeping").factory());
    private volatile boolean groupReady;
    private long nextReclaimNanos;
    private long lastWarnNanos;

    StreamShards(RedisLink redis, RedisLink reader, RedisKeys keys, RedisJobStore jobs, ShardSettings settings,
            String consumer) {
        this.redis = redis;
        this.reader = reader;
        this.keys = keys;
        this.jobs = jobs;
        this.settings = settings;
        this.consumer = consumer;
        housekeeping.scheduleWithFixedDelay(this::heartbeat, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::removeDeadConsumers, 10, 10, TimeUnit.SECONDS);
    }

    /** This replica's consumer name in the group. */
    public String consumer() {
        return consumer;
    }

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
                    reclaim(count);
                    if (!local.isEmpty()) {
                        continue;
                    }
                }
                var read = read(count, null);
                if (read.isEmpty() && jobs.feed(2 * count) == 0) {
                    read = read(count, BLOCK); // wakes when any replica adds shards
                }
                for (var m : read) {
                    accept(m, 0);
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

    private List<StreamMessage<String, String>> read(int count, Duration block) {
        var args = XReadArgs.Builder.count(count);
        if (block != null) {
            args.block(block);
        }
        var read = reader.sync().xreadgroup(Consumer.from(keys.group(), consumer), args,
                XReadArgs.StreamOffset.lastConsumed(keys.shards()));
        return read == null ? List.of() : read;
    }

    /** Entries idle past a shard's deadline (their replica died or hangs) come here. */
    private void reclaim(int count) {
        var claimed = redis.sync().xautoclaim(keys.shards(), XAutoClaimArgs.Builder
                .xautoclaim(Consumer.from(keys.group(), consumer), reclaimAfter(), "0-0").count(count));
        for (var m : claimed.getMessages()) {
            if (m.getBody() == null || m.getBody().isEmpty()) {
                continue; // deleted meanwhile
            }
            var pending = redis.sync().xpending(keys.shards(), keys.group(),
                    Range.create(m.getId(), m.getId()), Limit.from(1));
            long deliveries = pending.isEmpty() ? 1 : pending.getFirst().getRedeliveryCount();
            log.info("reclaimed shard {} of job {} (delivery {})", m.getBody().get("shard"), m.getBody().get("job"),
                    deliveries);
            if (deliveries > settings.maxAttempts()) {
                deadLetter(m.getId(), m.getBody().get("job"), Integer.parseInt(m.getBody().get("shard")),
                        "delivered " + deliveries + " times without an answer");
            } else {
                accept(m, (int) deliveries - 1);
            }
        }
    }

    private void accept(StreamMessage<String, String> m, int attempt) {
        String job = m.getBody().get("job");
        int shard = Integer.parseInt(m.getBody().get("shard"));
        JobRequest request = jobs.isFinished(job) ? null : jobs.request(job);
        var entry = new Entry(m.getId(), job, request);
        if (request == null) {
            entry.skipped(shard);
        } else {
            local.addLast(new ShardTask(entry, shard, attempt));
        }
    }

    private void deadLetter(String entry, String job, int shard, String problem) {
        var sync = redis.sync();
        sync.xadd(keys.deadLetters(), XAddArgs.Builder.maxlen(10_000).approximateTrimming(),
                "job", job, "shard", Integer.toString(shard), "reason", problem, "consumer", consumer);
        sync.xack(keys.shards(), keys.group(), entry);
        sync.xdel(keys.shards(), entry);
        log.warn("shard {} of job {} dead-lettered: {}", shard, job, problem);
        jobs.fail(job, "shard " + shard + " failed and went to the dead-letter stream: " + problem);
    }

    private void ensureGroup() {
        if (groupReady) {
            return;
        }
        try {
            redis.sync().xgroupCreate(XReadArgs.StreamOffset.from(keys.shards(), "0"), keys.group(),
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // BUSYGROUP: another replica made it
        }
        groupReady = true;
    }

    private void heartbeat() {
        try {
            redis.sync().psetex(keys.heartbeat(consumer), HEARTBEAT_TTL.toMillis(), "1");
        } catch (RuntimeException e) {
            // readiness reports it; the reader warns
        }
    }

    /** Consumers without a heartbeat and with nothing pending are replicas that are gone. */
    private void removeDeadConsumers() {
        try {
            var sync = redis.sync();
            for (Object info : sync.xinfoConsumers(keys.shards(), keys.group())) {
                var fields = (List<?>) info;
                String name = null;
                long pending = -1;
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    String field = String.valueOf(fields.get(i));
                    if (field.equals("name")) {
                        name = String.valueOf(fields.get(i + 1));
                    } else if (field.equals("pending")) {
                        pending = ((Number) fields.get(i + 1)).longValue();
                    }
                }
                if (name != null && !name.equals(consumer) && pending == 0
                        && sync.exists(keys.heartbeat(name)) == 0) {
                    sync.xgroupDelconsumer(keys.shards(), Consumer.from(keys.group(), name));
                    log.info("removed consumer {} of a replica that is gone", name);
                }
            }
        } catch (RuntimeException e) {
            log.debug("could not look for dead consumers: {}", e.getMessage());
        }
    }

    private Duration reclaimAfter() {
        return settings.timeout().plusSeconds(1);
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
    private final class Entry implements ShardedWork {

        private final String id;
        private final String job;
        private final JobRequest request;

        Entry(String id, String job, JobRequest request) {
            this.id = id;
            this.job = job;
            this.request = request;
        }

        @Override
        public JobRequest request() {
            return request;
        }

        @Override
        public int nextShard() {
            return -1; // the stream hands out shards, not this entry
        }

        @Override
        public long shardsLeft() {
            return 0;
        }

        @Override
        public boolean isFinished() {
            return jobs.isFinished(job);
        }

        @Override
        public void dispatched() {
            jobs.started(job);
        }

        @Override
        public void shardDone(int shard, byte[] partial, long computeNanos) {
            jobs.merge(id, job, shard, partial, computeNanos);
        }

        @Override
        public void shardFailed(int shard, String problem) {
            deadLetter(id, job, shard, problem);
        }

        @Override
        public String jobId() {
            return job;
        }

        @Override
        public void attemptEnded(io.forkpool.dispatch.ShardAttempt attempt) {
            jobs.recordAttempt(job, attempt.on(consumer));
        }

        @Override
        public void skipped(int shard) {
            var sync = redis.sync();
            sync.xack(keys.shards(), keys.group(), id);
            sync.xdel(keys.shards(), id);
        }
    }
}
