package io.forkpool.redis;

import io.forkpool.dispatch.ShardSettings;
import io.forkpool.metrics.ForkpoolMetrics;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream's entries whose replica died or hangs: claimed by this replica (XAUTOCLAIM) once idle
 * past a shard's deadline, or, delivered more than max-attempts times, moved to the dead-letter
 * stream with their job failed; and the consumers of replicas that are gone, removed from the group.
 */
final class Reclaims {

    private static final Logger log = LoggerFactory.getLogger(Reclaims.class);

    private final RedisLink redis;
    private final RedisKeys keys;
    private final StreamJobs jobs;
    private final ShardSettings settings;
    private final ForkpoolMetrics metrics;
    private final String consumer;

    Reclaims(
            RedisLink redis,
            RedisKeys keys,
            StreamJobs jobs,
            ShardSettings settings,
            ForkpoolMetrics metrics,
            String consumer) {
        this.redis = redis;
        this.keys = keys;
        this.jobs = jobs;
        this.settings = settings;
        this.metrics = metrics;
        this.consumer = consumer;
    }

    /** Entries idle past a shard's deadline (their replica died or hangs) come here. */
    void reclaim(int count, BiConsumer<StreamJobs.Delivery, Integer> queue) {
        var claimed = redis.sync()
                .xautoclaim(
                        keys.shards(),
                        XAutoClaimArgs.Builder.xautoclaim(Consumer.from(keys.group(), consumer), reclaimAfter(), "0-0")
                                .count(count));
        var live = new ArrayList<StreamMessage<String, String>>();
        var deliveries = new HashMap<String, Long>();
        for (var m : claimed.getMessages()) {
            if (m.getBody() == null || m.getBody().isEmpty()) {
                continue; // deleted meanwhile
            }
            var pending = redis.sync()
                    .xpending(keys.shards(), keys.group(), Range.create(m.getId(), m.getId()), Limit.from(1));
            long delivered = pending.isEmpty() ? 1 : pending.getFirst().getRedeliveryCount();
            log.info(
                    "reclaimed shard {} of job {} (delivery {})",
                    m.getBody().get("shard"),
                    m.getBody().get("job"),
                    delivered);
            if (delivered > settings.maxAttempts()) {
                deadLetter(
                        m.getId(),
                        m.getBody().get("job"),
                        Integer.parseInt(m.getBody().get("shard")),
                        "delivered " + delivered + " times without an answer");
            } else {
                metrics.shardRetried("reclaimed"); // its replica died, hangs or lost Redis
                live.add(m);
                deliveries.put(m.getId(), delivered);
            }
        }
        if (!live.isEmpty()) {
            for (var d : jobs.accept(live)) {
                queue.accept(d, (int) (deliveries.get(d.entry()) - 1));
            }
        }
    }

    /** Moves an entry to the dead-letter stream and fails its job. */
    void deadLetter(String entry, String job, int shard, String problem) {
        var sync = redis.sync();
        sync.xadd(
                keys.deadLetters(),
                XAddArgs.Builder.maxlen(10_000).approximateTrimming(),
                "job",
                job,
                "shard",
                Integer.toString(shard),
                "reason",
                problem,
                "consumer",
                consumer);
        sync.xack(keys.shards(), keys.group(), entry);
        sync.xdel(keys.shards(), entry);
        log.warn("shard {} of job {} dead-lettered: {}", shard, job, problem);
        jobs.fail(job, "shard " + shard + " failed and went to the dead-letter stream: " + problem);
    }

    /** Consumers without a heartbeat and with nothing pending are replicas that are gone. */
    void removeDeadConsumers() {
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
                if (name != null && !name.equals(consumer) && pending == 0 && sync.exists(keys.heartbeat(name)) == 0) {
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
}
