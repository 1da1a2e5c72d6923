package io.forkpool.redis;

import static io.forkpool.redis.RedisJobs.call;

import io.forkpool.job.Job;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore.Batch;
import io.forkpool.job.JobStore.Keyed;
import io.forkpool.job.JobStore.Page;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The batches of the redis backend: a hash per batch (size, created, its Idempotency-Key's body),
 * the list of its job ids, and the batch of each key; each job is submitted by the SUBMIT script
 * with its "batch" field (see docs/design.md).
 */
final class RedisBatches {

    /** A batch's record outlives its creation by the retention and this (its jobs may run that long). */
    private static final long BATCH_GRACE_SECONDS = 86_400;

    private final RedisLink redis;
    private final RedisKeys keys;
    private final JobSettings settings;

    RedisBatches(RedisLink redis, RedisKeys keys, JobSettings settings) {
        this.redis = redis;
        this.keys = keys;
        this.settings = settings;
    }

    /** A job of the batch admitted: listed after those before it. */
    void add(String batch, String job) {
        call(() -> redis.sync().rpush(keys.batchJobs(batch), job));
    }

    void record(Batch batch, Keyed key) {
        long ttl = Math.max(1, settings.retention().toSeconds()) + BATCH_GRACE_SECONDS;
        var fields = new java.util.LinkedHashMap<String, String>();
        fields.put("size", Integer.toString(batch.size()));
        fields.put("created", batch.created().toString());
        if (key != null) {
            fields.put("body", key.body());
        }
        call(() -> {
            var sync = redis.sync();
            sync.hset(keys.batch(batch.id()), fields);
            sync.expire(keys.batch(batch.id()), ttl);
            sync.expire(keys.batchJobs(batch.id()), ttl);
            if (key != null) {
                sync.set(
                        keys.batchKey(RedisKeys.digest(key.key())),
                        batch.id(),
                        io.lettuce.core.SetArgs.Builder.nx().ex(ttl));
            }
            return null;
        });
    }

    Optional<Batch> byKey(Keyed key) {
        String id = call(() -> redis.sync().get(keys.batchKey(RedisKeys.digest(key.key()))));
        if (id == null) {
            return Optional.empty();
        }
        Map<String, String> f = call(() -> redis.sync().hgetall(keys.batch(id)));
        if (f.isEmpty()) {
            return Optional.empty();
        }
        if (!key.body().equals(f.get("body"))) {
            throw new JobRejectedException.KeyReused();
        }
        return find(id);
    }

    Optional<Batch> find(String id) {
        Map<String, String> f = call(() -> redis.sync().hgetall(keys.batch(id)));
        return f.isEmpty()
                ? Optional.empty()
                : Optional.of(new Batch(id, Integer.parseInt(f.get("size")), Instant.parse(f.get("created"))));
    }

    /** A page of the batch's jobs that match, newest first (at most 1,000: all read). */
    Page page(
            String batch,
            JobStatus status,
            String type,
            String tenant,
            int page,
            int size,
            Function<String, Optional<Job.Snapshot>> find) {
        List<String> members = call(() -> redis.sync().lrange(keys.batchJobs(batch), 0, -1));
        var matching = members.reversed().stream()
                .map(find)
                .flatMap(Optional::stream)
                .filter(s -> (status == null || s.status() == status)
                        && (type == null || type.equals(s.request().type()))
                        && (tenant == null || tenant.equals(s.tenant())))
                .toList();
        int from = (int) Math.min((long) page * size, matching.size());
        return new Page(matching.subList(from, (int) Math.min((long) from + size, matching.size())), matching.size());
    }
}
