package io.forkpool.redis;

import io.forkpool.dispatch.ShardAttempt;
import io.forkpool.job.JobStatus;
import io.forkpool.plugin.JobRequest;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the stream's consumer ({@link StreamShards}) does to jobs: takes shards (starting their
 * jobs), drops those of ended jobs, merges answers (ending a job on its last shard), each by one
 * script.
 */
final class StreamJobs {

    private static final Logger log = LoggerFactory.getLogger(StreamJobs.class);

    private final RedisJobs jobs;
    private final RedisLink redis;
    private final RedisKeys keys;

    StreamJobs(RedisJobs jobs) {
        this.jobs = jobs;
        this.redis = jobs.redis();
        this.keys = jobs.keys();
    }

    JobRequest request(String id) {
        return jobs.request(id);
    }

    /** The job's tenant, as read with its request (see {@link RedisJobs#tenant}). */
    String tenant(String id) {
        return jobs.tenant(id);
    }

    /** The job's traceparent as its hash holds it, or null (see {@link RedisJobs#traceparent}). */
    String traceparent(String id) {
        return jobs.traceparent(id);
    }

    /** True when this replica knows the job has ended: its shards are dropped. */
    boolean hasEnded(String id) {
        return jobs.ends().hasEnded(id);
    }

    /** Fails the job (a shard of it went to the dead-letter stream); false if it had ended. */
    boolean fail(String id, String problem) {
        return jobs.end(id, JobStatus.FAILED, problem);
    }

    void summariseJobsOver(int shards) {
        jobs.summariseJobsOver(shards);
    }

    void recordAttempt(String id, ShardAttempt attempt) {
        jobs.recordAttempt(id, attempt);
    }

    /** One shard read from the stream by this replica. */
    record Delivery(String entry, String job, int shard) {}

    /** Up to {@code n} shards for {@code consumer} (the TAKE script), and {@code ahead} more if waiting unread. */
    List<Delivery> take(String consumer, int n, int ahead) {
        return accepted(Scripts.TAKE.run(
                redis.sync(),
                ScriptOutputType.MULTI,
                new String[] {keys.shards(), keys.feed()},
                keys.group(),
                consumer,
                Integer.toString(n),
                keys.jobPrefix(),
                jobs.now().toString(),
                Integer.toString(ahead)));
    }

    /** The same without waiting; {@code then} gets the shards on a thread of the store, not Lettuce's. */
    void takeAhead(String consumer, int ahead, Consumer<List<Delivery>> then) {
        Scripts.TAKE
                .<List<Object>>runAsync(
                        redis.async(),
                        ScriptOutputType.MULTI,
                        new String[] {keys.shards(), keys.feed()},
                        keys.group(),
                        consumer,
                        "0",
                        keys.jobPrefix(),
                        jobs.now().toString(),
                        Integer.toString(ahead))
                .handleAsync(
                        (reply, e) -> {
                            List<Delivery> taken = List.of();
                            try {
                                taken = e == null ? accepted(reply) : taken;
                            } finally {
                                then.accept(taken);
                            }
                            return null;
                        },
                        jobs.notices());
    }

    /**
     * Entries a blocking read delivered, handed out at once: ACCEPT (start their jobs, drop the
     * entries of ended jobs) goes out without waiting for its answer, so a woken worker does not
     * wait one more round trip. A shard of a job that ended meanwhile is computed for nothing:
     * its merge is a no-op.
     */
    List<Delivery> accept(List<StreamMessage<String, String>> read) {
        var args = new ArrayList<>(
                List.of(keys.group(), keys.jobPrefix(), jobs.now().toString()));
        var out = new ArrayList<Delivery>();
        for (var m : read) {
            String job = m.getBody().get("job");
            String shard = m.getBody().get("shard");
            args.add(m.getId());
            args.add(job == null ? "" : job);
            args.add(shard == null ? "0" : shard);
            if (job != null && shard != null && !hasEnded(job)) {
                out.add(new Delivery(m.getId(), job, Integer.parseInt(shard)));
            }
        }
        Scripts.ACCEPT
                .<List<Object>>runAsync(
                        redis.async(),
                        ScriptOutputType.MULTI,
                        new String[] {keys.shards()},
                        args.toArray(String[]::new))
                .thenAcceptAsync(this::accepted, jobs.notices())
                .exceptionally(e -> {
                    log.debug("could not start jobs of read shards: {}", e.getMessage());
                    return null;
                });
        return out;
    }

    /** Reads accept's answer: {started count, (id, submittedAt)..., (entry, job, shard)...}. */
    private List<Delivery> accepted(List<Object> reply) {
        int started = ((Long) reply.getFirst()).intValue();
        Instant now = jobs.now();
        for (int i = 0; i < started; i++) {
            String id = (String) reply.get(1 + 2 * i);
            JobRequest request = request(id);
            Instant submittedAt = RedisJobs.instant((String) reply.get(2 + 2 * i));
            jobs.changed(RedisJobs.beginning(
                    id, request, null, JobStatus.RUNNING, submittedAt, now, null, null, jobs.tenant(id)));
        }
        var out = new ArrayList<Delivery>();
        for (int i = 1 + 2 * started; i + 2 < reply.size(); i += 3) {
            out.add(new Delivery(
                    (String) reply.get(i), (String) reply.get(i + 1), Integer.parseInt((String) reply.get(i + 2))));
        }
        return out;
    }

    /** Acknowledges and deletes an entry that will not run (its job ended). */
    void drop(String entry) {
        Scripts.DROP.run(redis.sync(), ScriptOutputType.INTEGER, new String[] {keys.shards()}, keys.group(), entry);
    }

    /**
     * Merges one shard's answer, once, and acknowledges its entry; completes the job on its last
     * shard. Does not wait for Redis: the worker's reader thread goes on to its next answer while
     * the merges of this replica go out pipelined, in order, on one connection.
     */
    void merge(String entry, String id, int shard, byte[] partial, long computeNanos, ShardAttempt done) {
        JobRequest request = request(id);
        if (done != null && jobs.summarised(request)) {
            jobs.summaries().record(id, done);
        }
        String whole = request.shardCount() == 1 ? wholeJob(request, partial) : "";
        if (!whole.isEmpty()) {
            jobs.ends().endingHere(id);
        }
        Scripts.MERGE
                .<List<Object>>runAsync(
                        redis.async(),
                        ScriptOutputType.MULTI,
                        new String[] {
                            keys.job(id),
                            keys.merged(id),
                            keys.sum(id),
                            keys.shards(),
                            keys.unfinished(),
                            keys.feed(),
                            keys.deadlines(),
                            keys.tries(id)
                        },
                        keys.group(),
                        entry,
                        Integer.toString(shard),
                        Long.toString(computeNanos),
                        Base64.getEncoder().encodeToString(partial),
                        id,
                        whole,
                        jobs.now().toString(),
                        jobs.ttl(),
                        keys.ends(),
                        done == null ? "" : ShardTries.entry(done),
                        Integer.toString(ShardTries.CAP),
                        jobs.tries().ttlSeconds(),
                        request.until() == null ? "" : "1")
                .thenAccept(outcome -> {
                    long code = (Long) outcome.getFirst();
                    if (code == 1) { // Java merges, then END: not on Lettuce's I/O thread
                        jobs.notices().execute(() -> jobs.complete(id, outcome.subList(1, outcome.size())));
                    } else if (code == 2) { // no Redis call in ended(): on the I/O thread, one hop less
                        jobs.ended(id, outcome.subList(1, outcome.size()));
                    } else if (code == 3) { // the next shard of the job's prefix: move it on
                        jobs.notices().execute(() -> jobs.advance(id));
                    } else if (!whole.isEmpty()) {
                        jobs.ends().notEndingHere(id);
                    }
                })
                .exceptionally(e -> {
                    jobs.ends().notEndingHere(id);
                    // the entry stays pending: a replica reclaims it after the shard timeout
                    log.warn("could not merge shard {} of job {}: {}", shard, id, e.getMessage());
                    return null;
                });
    }

    /**
     * A one-shard job's answer is its result: checked here (the kind can finish it) so that MERGE
     * ends the job in the same round trip; '' if it cannot, and {@link RedisJobs#complete} fails the job.
     */
    private static String wholeJob(JobRequest request, byte[] partial) {
        try {
            request.finish(request.decodePartial(partial));
            return Base64.getEncoder().encodeToString(partial);
        } catch (RuntimeException e) {
            return "";
        }
    }
}
