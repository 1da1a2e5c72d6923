package io.forkpool.redis;

import io.forkpool.pool.WorkerDirectory;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every replica's worker processes in the redis backend: once a {@link #PERIOD} each replica writes
 * its workers (the JSON of its own {@code GET /api/v1/workers?spares=true}) under
 * {@code forkpool:workers:{replica}} with a TTL of {@link #TTL}, and names itself in the set
 * {@code forkpool:workers}. A reader takes the workers of every replica whose key is still there
 * in one script, which also drops from the set the replicas whose key expired: a replica that dies
 * disappears from the dashboard within the TTL, one that stops cleanly at once.
 */
final class WorkerBeats implements WorkerDirectory, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerBeats.class);
    static final Duration PERIOD = Duration.ofSeconds(1);
    /** A few heartbeats: a replica busy with a long GC pause or a slow Redis round trip stays listed. */
    static final Duration TTL = Duration.ofSeconds(5);

    static final LuaScript BEAT = LuaScript.load("worker-beat");

    static final LuaScript LIVE = LuaScript.load("live-workers");

    private final RedisLink redis;
    private final String set;
    private final String replica;
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("redis-worker-beats").factory());
    private volatile boolean started;
    private long lastWarnNanos;

    WorkerBeats(RedisLink redis, RedisKeys keys, String replica) {
        this.redis = redis;
        this.set = keys.prefix() + ":workers";
        this.replica = replica;
    }

    private String key(String replica) {
        return set + ":" + replica;
    }

    @Override
    public String replica() {
        return replica;
    }

    @Override
    public synchronized void publish(Supplier<String> workers) {
        if (started) {
            throw new IllegalStateException("this replica's workers are published already");
        }
        started = true;
        beats.scheduleWithFixedDelay(() -> beat(workers), 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beat(Supplier<String> workers) {
        try {
            String json = workers.get();
            BEAT.run(
                    redis.sync(),
                    ScriptOutputType.INTEGER,
                    new String[] {key(replica), set},
                    json,
                    Long.toString(TTL.toMillis()),
                    replica);
        } catch (RuntimeException e) {
            if (System.nanoTime() - lastWarnNanos > TimeUnit.SECONDS.toNanos(30)) {
                lastWarnNanos = System.nanoTime();
                log.debug("could not publish this replica's workers: {}", e.getMessage());
            }
        }
    }

    @Override
    public Map<String, String> live() {
        List<Object> pairs;
        try {
            pairs = LIVE.run(redis.sync(), ScriptOutputType.MULTI, new String[] {set}, set + ":");
        } catch (RuntimeException e) {
            return Map.of(); // Redis is down: readiness says so; the panel shows this replica's own
        }
        var byReplica = new java.util.TreeMap<String, String>();
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            byReplica.put(String.valueOf(pairs.get(i)), String.valueOf(pairs.get(i + 1)));
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(byReplica));
    }

    /** Stops the heartbeat only, as a replica that dies does: its workers stay listed until their key expires. */
    void stopBeating() {
        beats.shutdownNow();
        try {
            beats.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops beating and withdraws this replica at once (a stopped replica's workers are gone). */
    @Override
    public void close() {
        stopBeating();
        try {
            redis.sync().del(key(replica));
            redis.sync().srem(set, replica);
        } catch (RuntimeException e) {
            // gone anyway after its TTL
        }
    }
}
