package io.forkpool.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How fast each worker computes each kind of work, against the other workers on the same work:
 * finds a worker that keeps running slower than its peers (a fresh JVM can settle in a slow mode
 * of the JIT for its whole life; see docs/benchmarks.md), so the pool can put a warm spare in its
 * place between two shards.
 *
 * <p>A work is one kind with one set of parameters (a job's shards all cost the same per unit; two
 * jobs of one kind may not). A shard counts only if it computed for at least {@code minNanos}
 * (shorter ones measure the round trip, not the kernel). A worker is slow when {@code streak}
 * shards in a row each ran at a rate more than {@code slowerBy} under the median of the other
 * workers' last rates on that work. Not thread-safe: the pool calls it under its lock.
 */
final class ComputeRates<W> {

    /** The works remembered, the most recent last; older ones are forgotten past this many. */
    private static final int WORKS = 32;

    private final double slowerBy;
    private final int streak;
    private final long minNanos;

    /** Per work, each worker's last rate (units per nanosecond). */
    private final LinkedHashMap<Object, Map<W, Double>> rates = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Map<W, Double>> eldest) {
            return size() > WORKS;
        }
    };

    /** Per worker, its slow shards in a row, and its last rate against its peers' median. */
    private final Map<W, Integer> slowInARow = new HashMap<>();

    private final Map<W, Double> relative = new HashMap<>();

    ComputeRates(double slowerBy, int streak, long minNanos) {
        if (!(slowerBy > 0 && slowerBy < 1) || streak < 1 || minNanos < 0) {
            throw new IllegalArgumentException("slowerBy in (0, 1), streak ≥ 1, minNanos ≥ 0");
        }
        this.slowerBy = slowerBy;
        this.streak = streak;
        this.minNanos = minNanos;
    }

    /**
     * Records that {@code worker} computed {@code units} of {@code work} in {@code nanos}; true when
     * that makes {@code streak} slow shards in a row (its count then starts again). {@code live}: the
     * pool's workers now, whose rates are the peers'.
     */
    boolean slow(W worker, Object work, long units, long nanos, Collection<W> live) {
        if (nanos < minNanos || units <= 0) {
            return false;
        }
        double rate = units / (double) nanos;
        Map<W, Double> byWorker = rates.computeIfAbsent(work, w -> new HashMap<>());
        byWorker.put(worker, rate);
        var peers = new ArrayList<Double>();
        for (W peer : live) {
            Double r = byWorker.get(peer);
            if (peer != worker && r != null) {
                peers.add(r);
            }
        }
        if (peers.isEmpty()) {
            return false; // nobody to compare with: neither slow nor fast
        }
        double median = median(peers);
        relative.put(worker, rate / median);
        if (rate >= (1 - slowerBy) * median) {
            slowInARow.remove(worker);
            return false;
        }
        int inARow = slowInARow.merge(worker, 1, Integer::sum);
        if (inARow < streak) {
            return false;
        }
        slowInARow.remove(worker);
        return true;
    }

    /** The worker's last rate over its peers' median on the same work (1.0: as fast), or null before one. */
    Double relative(W worker) {
        return relative.get(worker);
    }

    /** A worker that left the pool: its rates no longer count. */
    void forget(W worker) {
        rates.values().forEach(m -> m.remove(worker));
        slowInARow.remove(worker);
        relative.remove(worker);
    }

    static double median(java.util.List<Double> values) {
        var sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
