package io.forkpool.redis;

import io.forkpool.webhook.DeliveryLog;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.ObjectMapper;

/** The attempts of a job in a Redis list beside its hash, with the job's retention as its expiry. */
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
}
