package io.forkpool.job;

import io.forkpool.dispatch.ShardAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tries of one job's shards, for its timeline ({@code GET /api/v1/jobs/{id}/shards}). Every try is
 * kept while the job has few; past {@link Budget}'s tries per job, or once the store's budget is
 * spent, the job keeps a summary instead: per worker process its busy time in at most
 * {@link #BUCKETS} time buckets, and its failed tries one by one (up to {@link #MARKS_CAP}). So a job
 * of a million shards costs a few kilobytes, and its timeline reads as fast as a small job's.
 */
public final class ShardLog {

    static final int BUCKETS = 120;
    static final int MARKS_CAP = 200;
    /** The first bucket width: a job summarised early still shows 50 ms steps; doubled as it runs on. */
    private static final long FIRST_BUCKET_NANOS = 50_000_000L;

    private final Budget budget;
    private List<ShardAttempt> detail = new ArrayList<>();
    private Summary summary;
    private long attempts;
    private boolean released;

    ShardLog(Budget budget) {
        this.budget = budget;
    }

    /** One try ended. */
    synchronized void record(ShardAttempt attempt) {
        if (released) {
            return;
        }
        attempts++;
        if (detail != null) {
            if (detail.size() < budget.perJob && budget.take()) {
                detail.add(attempt);
                return;
            }
            summarise(attempt);
        }
        summary.add(attempt);
    }

    /** From now on a summary: the tries kept so far go into it and give their budget back. */
    private void summarise(ShardAttempt next) {
        Instant origin = next.start();
        for (ShardAttempt a : detail) {
            origin = a.start().isBefore(origin) ? a.start() : origin;
        }
        summary = new Summary(origin);
        detail.forEach(summary::add);
        budget.give(detail.size());
        detail = null;
    }

    /** The job is forgotten: its tries' budget goes back to the store. */
    public synchronized void release() {
        if (!released && detail != null) {
            budget.give(detail.size());
        }
        released = true;
        detail = List.of();
    }

    /** A copy for readers on other threads. */
    public synchronized View view() {
        return detail != null
                ? new View(attempts, List.copyOf(detail), null)
                : new View(attempts, null, summary.view());
    }

    /**
     * What is known of the tries.
     *
     * @param attempts how many tries ended
     * @param detail each try, or null when summarised
     * @param summary the summary, or null when {@code detail} has every try
     */
    public record View(long attempts, List<ShardAttempt> detail, SummaryView summary) {}

    /**
     * @param origin the start of the first bucket
     * @param bucket the width of each bucket
     * @param lanes one per worker process, in order of first appearance
     * @param marks failed tries, at most {@link #MARKS_CAP}
     * @param marksDropped failed tries beyond those
     */
    public record SummaryView(
            Instant origin, Duration bucket, List<Lane> lanes, List<ShardAttempt> marks, long marksDropped) {}

    /**
     * One worker process in a summary.
     *
     * @param busy per bucket, the fraction of it this process spent on the job's shards (0 to 1)
     */
    public record Lane(
            int worker, long pid, String replica, long attempts, long failed, Duration busyTime, double[] busy) {}

    /** How many tries one job, and all jobs of one store together, may keep one by one (about 100 bytes each). */
    public static final class Budget {

        private final AtomicLong left;
        private final int perJob;

        public Budget(TimelineSettings settings) {
            this.left = new AtomicLong(settings.total());
            this.perJob = settings.perJob();
        }

        boolean take() {
            if (left.decrementAndGet() >= 0) {
                return true;
            }
            left.incrementAndGet();
            return false;
        }

        void give(long attempts) {
            left.addAndGet(attempts);
        }

        long left() {
            return Math.max(0, left.get());
        }
    }

    /** Busy nanoseconds per worker process and bucket; buckets double in width as the job runs on. */
    private static final class Summary {

        private final Instant origin;
        private long bucketNanos = FIRST_BUCKET_NANOS;
        private final LinkedHashMap<String, LaneSums> lanes = new LinkedHashMap<>();
        private final List<ShardAttempt> marks = new ArrayList<>();
        private long marksDropped;

        Summary(Instant origin) {
            this.origin = origin;
        }

        void add(ShardAttempt a) {
            long from = Math.max(0, Duration.between(origin, a.start()).toNanos());
            long to = Math.max(from, Duration.between(origin, a.end()).toNanos());
            while (to >= bucketNanos * BUCKETS) {
                coarsen();
            }
            LaneSums lane = lanes.computeIfAbsent(
                    a.replica() + "/" + a.pid(), k -> new LaneSums(a.worker(), a.pid(), a.replica()));
            lane.attempts++;
            lane.busyNanos += to - from;
            if (!a.succeeded()) {
                lane.failed++;
                if (marks.size() < MARKS_CAP) {
                    marks.add(a);
                } else {
                    marksDropped++;
                }
            }
            for (int b = (int) (from / bucketNanos); b < BUCKETS && (long) b * bucketNanos < to; b++) {
                long bucketStart = b * bucketNanos;
                long overlap = Math.min(to, bucketStart + bucketNanos) - Math.max(from, bucketStart);
                lane.busy[b] += Math.max(0, overlap);
            }
        }

        /** Twice as wide buckets: each pair of neighbours becomes one. */
        private void coarsen() {
            for (LaneSums lane : lanes.values()) {
                for (int i = 0; i < BUCKETS / 2; i++) {
                    lane.busy[i] = lane.busy[2 * i] + lane.busy[2 * i + 1];
                }
                java.util.Arrays.fill(lane.busy, BUCKETS / 2, BUCKETS, 0);
            }
            bucketNanos *= 2;
        }

        SummaryView view() {
            var views = new ArrayList<Lane>(lanes.size());
            for (LaneSums lane : lanes.values()) {
                double[] busy = new double[BUCKETS];
                for (int b = 0; b < BUCKETS; b++) {
                    busy[b] = Math.min(1.0, lane.busy[b] / (double) bucketNanos);
                }
                views.add(new Lane(
                        lane.worker,
                        lane.pid,
                        lane.replica,
                        lane.attempts,
                        lane.failed,
                        Duration.ofNanos(lane.busyNanos),
                        busy));
            }
            return new SummaryView(origin, Duration.ofNanos(bucketNanos), views, List.copyOf(marks), marksDropped);
        }
    }

    private static final class LaneSums {

        final int worker;
        final long pid;
        final String replica;
        final long[] busy = new long[BUCKETS];
        long attempts;
        long failed;
        long busyNanos;

        LaneSums(int worker, long pid, String replica) {
            this.worker = worker;
            this.pid = pid;
            this.replica = replica;
        }
    }
}
