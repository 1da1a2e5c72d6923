package io.forkpool.redis;

import io.forkpool.job.Job;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The ends of jobs, heard from every replica: the END script publishes each ended job's id, and
 * this replica's subscription wakes the requests waiting for it ({@code ?wait}) and remembers it,
 * so that shards of an ended job are dropped without asking Redis. Pub/sub delivers at most once
 * and not while disconnected: waiters still look at the job now and then, and a shard of an ended
 * job that slips through is computed for nothing, its merge being a no-op.
 */
final class JobEnds implements AutoCloseable {

    private static final int REMEMBERED = 10_000;
    /** Jobs ended here kept whole for a moment: a request waiting for one gets it without a read. */
    private static final int KEPT = 256;

    private final RedisClient client;
    private final String channel;
    private final Duration recheck;
    private final ConcurrentHashMap<String, Waiting> waiting = new ConcurrentHashMap<>();
    private final Map<String, Boolean> ended = lru(REMEMBERED);
    private final Map<String, Job.Snapshot> endedHere = lru(KEPT);
    /** Jobs whose last merge this replica sent: their waiters hear the answer, not the message. */
    private final Set<String> endingHere = ConcurrentHashMap.newKeySet();

    private StatefulRedisPubSubConnection<String, String> connection;
    /** Told the id of each end heard, on Lettuce's thread: must be quick and call no Redis. */
    private final List<Consumer<String>> heard = new CopyOnWriteArrayList<>();

    /**
     * The job once it has ended, or as it is after the timeout (for {@code ?wait}): woken by its
     * end; looks at the job again every second all the
     * same, as a pub/sub message is lost while the subscription reconnects.
     */
    Optional<Job.Snapshot> await(String id, Duration timeout, Function<String, Optional<Job.Snapshot>> find)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Job.Snapshot> end = waitFor(id);
        try {
            while (true) {
                Job.Snapshot here = endedHere(id);
                if (here != null) {
                    return Optional.of(here);
                }
                long left = deadline - System.nanoTime();
                // Just submitted here, as a rule: read it once it has ended, at the deadline, or every recheck.
                if (hasEnded(id) || left <= 0 || end.isDone()) {
                    var job = find.apply(id);
                    if (job.isEmpty() || job.get().status().isFinal() || left <= 0) {
                        return job;
                    }
                    end = new CompletableFuture<>(); // not ended after all (a stale mark): wait by recheck
                }
                try {
                    Job.Snapshot ended = end.get(Math.min(left, recheck.toNanos()), TimeUnit.NANOSECONDS);
                    if (ended != null) {
                        return Optional.of(ended);
                    }
                } catch (TimeoutException e) {
                    var job = find.apply(id); // a lost message, or the deadline
                    if (job.isEmpty() || job.get().status().isFinal() || deadline - System.nanoTime() <= 0) {
                        return job;
                    }
                } catch (ExecutionException e) {
                    // look again
                }
            }
        } finally {
            stopWaiting(id);
        }
    }

    /** The requests waiting for one job: one future for all of them, dropped when the last gives up. */
    private record Waiting(CompletableFuture<Job.Snapshot> end, int count) {}

    JobEnds(RedisClient client, String channel) {
        this(client, channel, Duration.ofSeconds(1));
    }

    /** {@code recheck}: how often a waiter reads its job all the same (a lost message). */
    JobEnds(RedisClient client, String channel, Duration recheck) {
        this.client = client;
        this.channel = channel;
        this.recheck = recheck;
    }

    /** Subscribes unless it has: called at boot and then periodically, as Redis may be down at first. */
    synchronized void subscribe() {
        if (connection != null) {
            return; // Lettuce resubscribes by itself after a reconnect
        }
        var c = client.connectPubSub();
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String id) {
                ended.put(id, Boolean.TRUE);
                if (!endingHere.contains(id)) {
                    wake(id, null);
                }
                heard.forEach(h -> h.accept(id));
            }
        });
        c.sync().subscribe(channel);
        connection = c;
    }

    /** Adds a listener told the id of each end message (of any replica), on Lettuce's thread. */
    void onEnd(Consumer<String> ids) {
        heard.add(ids);
    }

    /** Completes when the job ends: with the job if it ended on this replica, else with null (read it). */
    CompletableFuture<Job.Snapshot> waitFor(String id) {
        return waiting.compute(
                        id,
                        (k, w) -> w == null
                                ? new Waiting(new CompletableFuture<>(), 1)
                                : new Waiting(w.end(), w.count() + 1))
                .end();
    }

    void stopWaiting(String id) {
        waiting.computeIfPresent(id, (k, w) -> w.count() == 1 ? null : new Waiting(w.end(), w.count() - 1));
    }

    /** A job this replica ended ({@code job} as it is now), or heard has ended (null). */
    void ended(String id, Job.Snapshot job) {
        ended.put(id, Boolean.TRUE);
        if (job != null) {
            endedHere.put(id, job);
        }
        endingHere.remove(id);
        wake(id, job);
    }

    /** This replica sent what may end the job: its waiters wait for that answer. */
    void endingHere(String id) {
        endingHere.add(id);
    }

    /** ... and it did not end it there: the message, if it came meanwhile, is theirs after all. */
    void notEndingHere(String id) {
        endingHere.remove(id);
        if (ended.containsKey(id)) {
            wake(id, null);
        }
    }

    /** The job as this replica ended it a moment ago, or null. */
    Job.Snapshot endedHere(String id) {
        return endedHere.get(id);
    }

    private void wake(String id, Job.Snapshot job) {
        Waiting w = waiting.get(id);
        if (w != null) {
            w.end().complete(job);
        }
    }

    /** True if this replica knows the job has ended; false may be stale. */
    boolean hasEnded(String id) {
        return ended.containsKey(id);
    }

    private static <V> Map<String, V> lru(int size) {
        return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > size;
            }
        });
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
