package io.forkpool.worker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How fast each worker computes each kind of work, against the other workers on the same work:
 * finds a worker that keeps running slower than its peers (a fresh JVM can settle in a slow mode
 * of the JIT for its whole life; see docs/design.md), so the pool can put a warm spare in its
 * place between two shards.
 *
 * <p>A work is one kind with one set of parameters other than its size (a job's shards cost the
 * same per unit; two jobs of a kind with other parameters may not). A shard counts only if it
 * computed for at least {@code minNanos}. Each worker's rate on a work is the median of its last
 * {@code window} shards there; a worker is judged only once it has computed {@code judgedAfter}
 * shards of that work (its first ones run while its JIT still compiles), against the median of the
 * rates of the other workers that have a full window on it. It is slow when its rate is more than
 * {@code slowerBy} under theirs; it then starts again from nothing on that work. Medians over
 * windows, not single shards, so a shard that waited for a core or a cache does not count. Not
 * thread-safe: the pool calls it under its lock.
 */
final class ComputeRates<W> {

    /** The works remembered, the most recent last; older ones are forgotten past this many. */
    private static final int WORKS = 32;

    private final double slowerBy;
    private final int window;
    private final int judgedAfter;
    private final long minNanos;

    /** Per work, each worker's recent rates (units per nanosecond). */
    private final LinkedHashMap<Object, Map<W, Rates>> works = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Map<W, Rates>> eldest) {
            return size() > WORKS;
        }
    };

    /** Per worker, its last rate over its peers' on the same work. */
    private final Map<W, Double> relative = new HashMap<>();

    /** The last {@code window} rates of one worker on one work, and how many shards it measured there. */
    private static final class Rates {
        final double[] last;
        long count;

        Rates(int window) {
            last = new double[window];
        }

        void add(double rate) {
            last[(int) (count++ % last.length)] = rate;
        }

        boolean full() {
            return count >= last.length;
        }

        double median() {
            return ComputeRates.median(Arrays.copyOf(last, (int) Math.min(count, last.length)));
        }
    }

    ComputeRates(double slowerBy, int window, int judgedAfter, long minNanos) {
        if (!(slowerBy > 0 && slowerBy < 1) || window < 1 || judgedAfter < window || minNanos < 0) {
            throw new IllegalArgumentException("slowerBy in (0, 1), window ≥ 1, judgedAfter ≥ window, minNanos ≥ 0");
        }
        this.slowerBy = slowerBy;
        this.window = window;
        this.judgedAfter = judgedAfter;
        this.minNanos = minNanos;
    }

    /**
     * Records that {@code worker} computed {@code units} of {@code work} in {@code nanos}; true when
     * that shows it slow. {@code live}: the pool's workers now, whose rates are the peers'.
     */
    boolean slow(W worker, Object work, long units, long nanos, Collection<W> live) {
        if (nanos < minNanos || units <= 0) {
            return false;
        }
        Map<W, Rates> byWorker = works.computeIfAbsent(work, w -> new HashMap<>());
        Rates own = byWorker.computeIfAbsent(worker, w -> new Rates(window));
        own.add(units / (double) nanos);
        var peers = new ArrayList<Double>();
        for (W peer : live) {
            Rates theirs = byWorker.get(peer);
            if (peer != worker && theirs != null && theirs.full()) {
                peers.add(theirs.median());
            }
        }
        if (peers.isEmpty()) {
            return false; // nobody to compare with: neither slow nor fast
        }
        double yardstick =
                median(peers.stream().mapToDouble(Double::doubleValue).toArray());
        double rate = own.median();
        relative.put(worker, rate / yardstick);
        if (own.count < judgedAfter || rate >= (1 - slowerBy) * yardstick) {
            return false;
        }
        byWorker.remove(worker);
        return true;
    }

    /** The worker's last rate over its peers' on the same work (1.0: as fast), or null before one. */
    Double relative(W worker) {
        return relative.get(worker);
    }

    /** A worker that left the pool: its rates no longer count. */
    void forget(W worker) {
        works.values().forEach(m -> m.remove(worker));
        relative.remove(worker);
    }

    static double median(double[] values) {
        var sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
