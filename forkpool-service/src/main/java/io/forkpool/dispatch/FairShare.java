package io.forkpool.dispatch;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Which tenant's shard goes out next: stride scheduling, a weighted fair queue in virtual time.
 * Each tenant with shards waiting has a pass; the one with the smallest pass is served and its
 * pass grows by {@link #STRIDE} over its weight, so while several wait, the shards they get are in
 * proportion to their weights (within one shard each). A tenant that had nothing waiting rejoins
 * at the current virtual time: idle time is not saved up as credit, and an idle tenant's share goes
 * to the others (work-conserving). Ties go to the tenant waiting longest. Pure: one owner (the
 * queue's lock) calls it.
 */
final class FairShare {

    /** The virtual time one shard costs a tenant of weight 1 (divisible by every weight up to 16). */
    static final long STRIDE = 720_720L * 1_000;

    private final ToIntFunction<String> weights;
    /** Tenants with shards waiting, in the order they began to wait. */
    private final Set<String> waiting = new LinkedHashSet<>();
    /** Each tenant's pass: the virtual time of its next shard. */
    private final Map<String, Long> pass = new HashMap<>();
    /** The pass of the last tenant served. */
    private long now;

    FairShare(ToIntFunction<String> weights) {
        this.weights = weights;
    }

    /** {@code tenant} has shards waiting (again). */
    void waiting(String tenant) {
        if (waiting.add(tenant)) {
            pass.merge(tenant, now, Math::max);
        }
    }

    /** {@code tenant} has nothing waiting any more. */
    void idle(String tenant) {
        if (waiting.remove(tenant) && pass.getOrDefault(tenant, 0L) <= now) {
            pass.remove(tenant); // it would rejoin at now anyway: forget it (names do not pile up)
        }
    }

    /** The waiting tenant to serve next (not yet charged), or null if none waits. */
    String pick() {
        String best = null;
        long bestPass = Long.MAX_VALUE;
        for (String tenant : waiting) {
            long p = pass.get(tenant);
            if (p < bestPass) {
                best = tenant;
                bestPass = p;
            }
        }
        return best;
    }

    /** {@code tenant}, just picked, is handed one shard: its pass moves on by its stride. */
    void charge(String tenant) {
        long p = pass.get(tenant);
        now = p;
        pass.put(tenant, p + STRIDE / Math.max(1, weights.applyAsInt(tenant)));
    }
}
