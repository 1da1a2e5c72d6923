package io.forkpool.redis;

import io.forkpool.webhook.DeliveryLog;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.ObjectMapper;

/**
 * The attempts of a job in a Redis list beside its hash, with the job's retention as its expiry;
 * the pending deliveries in a sorted set with a lease key each, so any replica takes over one whose
 * holder died.
 */
final class RedisDeliveryLog implements DeliveryLog {

    private final RedisLink redis;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final Duration retention;

    RedisDeliveryLog(RedisLink redis, RedisKeys keys, ObjectMapper json, Duration retention) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.retention = retention;
    }

    @Override
    public void record(String jobId, Attempt attempt) {
        String key = keys.deliveries(jobId);
        var commands = redis.sync();
        commands.rpush(key, json.writeValueAsString(attempt));
        commands.expire(key, Math.max(1, retention.toSeconds()));
    }

    @Override
    public List<Attempt> attempts(String jobId) {
        return redis.sync().lrange(keys.deliveries(jobId), 0, -1).stream()
                .map(entry -> json.readValue(entry, Attempt.class))
                .toList();
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public boolean hold(String jobId, String holder, Duration lease, boolean create) {
        Long held = Scripts.HOLD_DELIVERY.run(
                redis.sync(),
                ScriptOutputType.INTEGER,
                new String[] {keys.pendingDeliveries(), keys.deliveryLeasePrefix() + jobId},
                holder,
                jobId,
                millis(lease),
                create ? "new" : "");
        return held != null && held == 1L;
    }

    @Override
    public void settle(String jobId, String holder) {
        Scripts.SETTLE_DELIVERY.run(
                redis.sync(),
                ScriptOutputType.INTEGER,
                new String[] {keys.pendingDeliveries(), keys.deliveryLeasePrefix() + jobId},
                holder,
                jobId);
    }

    @Override
    public List<String> takeOver(String holder, Duration lease, int n) {
        List<String> taken = Scripts.TAKE_OVER_DELIVERIES.run(
                redis.sync(),
                ScriptOutputType.MULTI,
                new String[] {keys.pendingDeliveries()},
                holder,
                millis(lease),
                Integer.toString(n),
                keys.deliveryLeasePrefix());
        return taken == null ? List.of() : List.copyOf(taken);
    }

    private static String millis(Duration d) {
        return Long.toString(Math.max(1, d.toMillis()));
    }
}
