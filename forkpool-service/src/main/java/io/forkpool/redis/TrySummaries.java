package io.forkpool.redis;

import io.forkpool.dispatch.ShardAttempt;
import io.forkpool.job.ShardLog;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The summary of every try of a job's shards in the redis backend, whichever replica ran it, so that
 * a job of any size has a timeline that represents all its shards (the tries list, {@link ShardTries},
 * keeps the first {@link ShardTries#CAP} only). One hash per job ({@code forkpool:job:{id}:summary})
 * holds what the embedded {@link ShardLog} summary holds: per worker process (slot, pid, replica) its
 * tries, failed tries, busy time, first start and last end, and its busy time in at most
 * {@link #BUCKETS} time buckets from the job's origin (the first try a replica reported), 50 ms wide at
 * first and doubled, pairs merged, whenever a try ends past the last one.
 *
 * <p>Each replica collects its tries in memory and adds them every {@link #FLUSH} in one script call
 * per job, already summed per worker and bucket: a job of a million shards costs Redis a few calls a
 * second, not one per shard, and its summary stays a few kilobytes. Sums commute, so replicas never
 * wait for each other; the first to report a job sets its origin, and a replica with finer buckets
 * than the hash's (another widened them) has its buckets merged on the way in, as they nest exactly.
 * While Redis is unreachable a flush is lost (like a try the list missed): the timeline is the lesser
 * loss.
 */
final class TrySummaries implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrySummaries.class);
    static final int BUCKETS = 120;
    static final long FIRST_BUCKET_MICROS = 50_000;
    static final Duration FLUSH = Duration.ofMillis(500);
    static final int MARKS_CAP = 200;
    /** Tries waiting for a flush, all jobs together, past which new ones are not summarised (Redis is away). */
    static final int PENDING_CAP = 500_000;
    /** Jobs whose origin and width this replica remembers (the last ones it ran). */
    private static final int GRIDS = 4_096;

    static final LuaScript INIT = LuaScript.load("try-summary-init");

    static final LuaScript ADD = LuaScript.load("try-summary-add");

    private final RedisLink redis;
    private final RedisKeys keys;
    private final String ttlSeconds;
    private final ConcurrentHashMap<String, List<ShardAttempt>> pending = new ConcurrentHashMap<>();
    private final AtomicLong pendingTries = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong scripts = new AtomicLong();
    /** Per job: origin and bucket width (µs) as this replica last learnt them. Flush thread only. */
    private final Map<String, long[]> grids = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > GRIDS;
        }
    };

    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("redis-try-summaries").factory());

    TrySummaries(RedisLink redis, RedisKeys keys, Duration retention) {
        this.redis = redis;
        this.keys = keys;
        this.ttlSeconds = Long.toString(retention.plusDays(1).toSeconds()); // as long as the tries list
        flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH.toMillis(), FLUSH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One try ended on this replica: summed in at the next flush. */
    void record(String job, ShardAttempt attempt) {
        if (pendingTries.incrementAndGet() > PENDING_CAP) {
            pendingTries.decrementAndGet();
            lost.incrementAndGet();
            return;
        }
        pending.compute(job, (k, tries) -> {
            var list = tries == null ? new ArrayList<ShardAttempt>() : tries;
            list.add(attempt);
            return list;
        });
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.debug("could not add to the shard summaries: {}", e.getMessage());
        }
    }

    /** Sends what this replica collected; waits for Redis's answers (on the flusher thread, or a test's). */
    synchronized void flush() {
        var jobs = new LinkedHashMap<String, List<ShardAttempt>>();
        for (String job : pending.keySet()) {
            var tries = pending.remove(job);
            if (tries != null) {
                pendingTries.addAndGet(-tries.size());
                jobs.put(job, tries);
            }
        }
        if (jobs.isEmpty()) {
            return;
        }
        // the jobs this replica reports first: their origin (set by whichever replica came first) and width
        var inits = new HashMap<String, CompletableFuture<List<Object>>>();
        jobs.forEach((job, tries) -> {
            if (!grids.containsKey(job)) {
                long origin =
                        tries.stream().mapToLong(a -> micros(a.start())).min().orElseThrow();
                scripts.incrementAndGet();
                inits.put(
                        job,
                        INIT.runAsync(
                                redis.async(),
                                ScriptOutputType.MULTI,
                                new String[] {summaryKey(job)},
                                Long.toString(origin),
                                Long.toString(FIRST_BUCKET_MICROS),
                                ttlSeconds));
            }
        });
        inits.forEach((job, answer) -> {
            try {
                List<Object> grid = answer.get(10, TimeUnit.SECONDS);
                grids.put(job, new long[] {Long.parseLong((String) grid.get(0)), Long.parseLong((String) grid.get(1))});
            } catch (Exception e) {
                lost.addAndGet(jobs.remove(job).size());
            }
        });
        var adds = new HashMap<String, CompletableFuture<Long>>();
        jobs.forEach((job, tries) -> {
            long[] grid = grids.get(job);
            String[] args = sums(tries, grid[0], grid[1]);
            args[1] = ttlSeconds;
            scripts.incrementAndGet();
            adds.put(job, ADD.runAsync(redis.async(), ScriptOutputType.INTEGER, new String[] {summaryKey(job)}, args));
        });
        adds.forEach((job, answer) -> {
            try {
                long width = answer.get(10, TimeUnit.SECONDS);
                long[] grid = grids.get(job);
                if (grid != null) {
                    grid[1] = Math.max(grid[1], width);
                }
            } catch (Exception e) {
                lost.addAndGet(jobs.get(job).size());
            }
        });
    }

    /** Scripts this replica sent (a flush sends one per job, and one more for a job it had not reported yet). */
    long scripts() {
        return scripts.get();
    }

    /** Tries not summarised because Redis could not be reached (or was too far behind). */
    long lost() {
        return lost.get();
    }

    /** The ADD script's arguments: the tries summed per lane, and per lane and bucket at the width they need. */
    static String[] sums(List<ShardAttempt> tries, long origin, long knownWidth) {
        long width = knownWidth;
        long lastEnd =
                tries.stream().mapToLong(a -> micros(a.end()) - origin).max().orElse(0);
        while (lastEnd >= width * BUCKETS) {
            width *= 2;
        }
        var lanes = new LinkedHashMap<String, long[]>(); // tries, failed, busy, first start, last end, number
        var buckets = new LinkedHashMap<Long, long[]>(); // lane number << 8 | bucket → busy µs
        for (ShardAttempt a : tries) {
            long start = micros(a.start());
            long end = Math.max(start, micros(a.end()));
            String lane = a.worker() + "|" + a.pid() + "|" + (a.replica() == null ? "" : a.replica());
            long[] sum = lanes.computeIfAbsent(lane, k -> new long[] {0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0});
            if (sum[5] == 0) {
                sum[5] = lanes.size();
            }
            sum[0]++;
            sum[1] += ShardAttempt.DONE.equals(a.outcome()) ? 0 : 1;
            sum[2] += end - start;
            sum[3] = Math.min(sum[3], start);
            sum[4] = Math.max(sum[4], end);
            long from = Math.max(0, start - origin);
            long to = Math.max(from, end - origin);
            for (long b = from / width; b < BUCKETS && b * width < to; b++) {
                long overlap = Math.min(to, (b + 1) * width) - Math.max(from, b * width);
                if (overlap > 0) {
                    buckets.computeIfAbsent(sum[5] << 8 | b, k -> new long[1])[0] += overlap;
                }
            }
        }
        var args = new ArrayList<String>(3 + lanes.size() * 6 + buckets.size() * 3);
        args.add(Long.toString(width));
        args.add(""); // ttl, set by the caller
        args.add(Integer.toString(lanes.size()));
        lanes.forEach((lane, sum) -> {
            args.add(lane);
            for (int i = 0; i < 5; i++) {
                args.add(Long.toString(sum[i]));
            }
        });
        buckets.forEach((key, busy) -> {
            args.add(Long.toString(key >> 8));
            args.add(Long.toString(key & 0xff));
            args.add(Long.toString(busy[0]));
        });
        return args.toArray(String[]::new);
    }

    /**
     * The job's timeline: the tries list as it is when it holds every try the summary counts, else the
     * summary (the failed tries among the listed ones as its marks).
     */
    ShardLog.View read(String job, ShardLog.View listed) {
        Map<String, String> hash = redis.sync().hgetall(summaryKey(job));
        String origin = hash.get("origin");
        String width = hash.get("width");
        if (origin == null || width == null) {
            return listed;
        }
        long w = Long.parseLong(width);
        var lanes = new HashMap<String, LaneSums>();
        hash.forEach((field, value) -> {
            int bar = field.indexOf('|');
            if (bar < 0) {
                return;
            }
            String tag = field.substring(0, bar);
            LaneSums lane = lanes.computeIfAbsent(field.substring(bar + 1), LaneSums::new);
            long v = Long.parseLong(value);
            switch (tag) {
                case "n" -> lane.tries = v;
                case "f" -> lane.failed = v;
                case "t" -> lane.busy = v;
                case "a" -> lane.first = v;
                case "z" -> lane.last = v;
                default -> {
                    int b = Integer.parseInt(tag.substring(1));
                    if (tag.charAt(0) == 'b' && b < BUCKETS) {
                        lane.buckets[b] = v;
                    }
                }
            }
        });
        long tries = lanes.values().stream().mapToLong(l -> l.tries).sum();
        if (tries <= listed.attempts() && listed.detail() != null) {
            return listed; // the list has them all: every try one by one
        }
        var views = lanes.values().stream()
                .filter(l -> l.tries > 0)
                .sorted(Comparator.comparingLong((LaneSums l) -> l.first).thenComparing(l -> l.key))
                .map(l -> l.view(w))
                .toList();
        var marks = new ArrayList<ShardAttempt>();
        if (listed.detail() != null) {
            listed.detail().stream()
                    .filter(a -> !a.succeeded())
                    .limit(MARKS_CAP)
                    .forEach(marks::add);
        }
        long failed = lanes.values().stream().mapToLong(l -> l.failed).sum();
        return new ShardLog.View(
                tries,
                null,
                new ShardLog.SummaryView(
                        instant(Long.parseLong(origin)),
                        Duration.of(w, ChronoUnit.MICROS),
                        views,
                        List.copyOf(marks),
                        Math.max(0, failed - marks.size())));
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
            flush(); // the last tries of this replica
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Redis is away: lost with the replica
        }
    }

    /** The job's summary hash (beside its tries list). */
    String summaryKey(String job) {
        return keys.job(job) + ":summary";
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** One worker process's sums as read back. */
    private static final class LaneSums {

        final String key;
        final long[] buckets = new long[BUCKETS];
        long tries;
        long failed;
        long busy;
        long first = Long.MAX_VALUE;
        long last;

        LaneSums(String key) {
            this.key = key;
        }

        ShardLog.Lane view(long width) {
            String[] f = key.split("\\|", 3);
            double[] busyShare = new double[BUCKETS];
            for (int b = 0; b < BUCKETS; b++) {
                busyShare[b] = Math.min(1.0, buckets[b] / (double) width);
            }
            return new ShardLog.Lane(
                    Integer.parseInt(f[0]),
                    Long.parseLong(f[1]),
                    f[2].isEmpty() ? null : f[2],
                    tries,
                    failed,
                    Duration.of(busy, ChronoUnit.MICROS),
                    busyShare);
        }
    }
}
