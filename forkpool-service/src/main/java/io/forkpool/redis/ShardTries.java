package io.forkpool.redis;

import io.forkpool.dispatch.ShardAttempt;
import io.forkpool.job.ShardLog;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The tries of each job's shards in the redis backend, for its timeline: a list per job
 * ({@code forkpool:job:{id}:tries}) of its first tries, whichever replica ran them, capped at
 * {@link #CAP}, expiring a day after the job's retention. Written without waiting (one script per
 * try, on the async connection), so the reader thread that merges answers is not slowed by it.
 */
final class ShardTries {

    static final int CAP = 2_000;

    static final LuaScript RECORD = LuaScript.load("shard-try-record");

    private final RedisLink redis;
    private final RedisKeys keys;
    private final Duration ttl;

    ShardTries(RedisLink redis, RedisKeys keys, Duration retention) {
        this.redis = redis;
        this.keys = keys;
        this.ttl = retention.plusDays(1);
    }

    /** One try as the list keeps it (MERGE appends a shard's successful try the same way). */
    static String entry(ShardAttempt a) {
        return String.join(
                "|",
                Integer.toString(a.shard()),
                Integer.toString(a.attempt()),
                Integer.toString(a.worker()),
                Long.toString(a.pid()),
                micros(a.start()),
                micros(a.end()),
                a.outcome(),
                a.replica() == null ? "" : a.replica());
    }

    /** The list's TTL, seconds. */
    String ttlSeconds() {
        return Long.toString(ttl.toSeconds());
    }

    void record(String job, ShardAttempt a) {
        String entry = entry(a);
        try {
            RECORD.runAsync(
                    redis.async(),
                    ScriptOutputType.INTEGER,
                    new String[] {keys.tries(job)},
                    entry,
                    Integer.toString(CAP),
                    ttlSeconds());
        } catch (RedisException e) {
            // Redis is down: the job's merge reports it; a timeline missing a try is the lesser loss
        }
    }

    /** The tries kept for {@code job}, oldest first. */
    ShardLog.View read(String job) {
        var tries = new ArrayList<ShardAttempt>();
        for (String entry : redis.sync().lrange(keys.tries(job), 0, -1)) {
            String[] f = entry.split("\\|", -1);
            tries.add(new ShardAttempt(
                    Integer.parseInt(f[0]),
                    Integer.parseInt(f[1]),
                    Integer.parseInt(f[2]),
                    Long.parseLong(f[3]),
                    f[7].isEmpty() ? null : f[7],
                    instant(f[4]),
                    instant(f[5]),
                    f[6]));
        }
        return new ShardLog.View(tries.size(), List.copyOf(tries), null);
    }

    private static String micros(Instant t) {
        return Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, t));
    }

    private static Instant instant(String micros) {
        return Instant.EPOCH.plus(Long.parseLong(micros), ChronoUnit.MICROS);
    }
}
