package io.forkpool.kind;

import io.forkpool.plugin.JobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Runs a job's shards in-process the way workers and the aggregator would, each partial through the
 * kind's codec as it crosses the pipe.
 */
final class Shards {

    private Shards() {}

    static List<Partial> computeAll(JobRequest request) {
        var partials = new ArrayList<Partial>();
        for (int shard = 0; shard < request.shardCount(); shard++) {
            partials.add((Partial) request.decodePartial(request.computeEncoded(shard)));
        }
        return partials;
    }

    static Partial mergeInOrder(List<Partial> partials) {
        Partial merged = partials.getFirst();
        for (Partial partial : partials.subList(1, partials.size())) {
            merged = merged.merge(partial);
        }
        return merged;
    }

    /**
     * Merges in a random order and a random tree shape (any two partial merges may meet), as an
     * aggregator does when shards finish in arbitrary order and get combined in batches.
     */
    static Partial mergeShuffled(List<Partial> partials, long seed) {
        var random = new Random(seed);
        var pending = new ArrayList<>(partials);
        while (pending.size() > 1) {
            Partial a = pending.remove(random.nextInt(pending.size()));
            Partial b = pending.remove(random.nextInt(pending.size()));
            pending.add(random.nextBoolean() ? a.merge(b) : b.merge(a));
        }
        return pending.getFirst();
    }

    static JobResult run(JobRequest request) {
        return (JobResult) request.finish(mergeInOrder(computeAll(request)));
    }

    /** Sum of shardUnits over all shards. */
    static long totalShardUnits(JobRequest request) {
        long total = 0;
        for (int shard = 0; shard < request.shardCount(); shard++) {
            total += request.shardUnits(shard);
        }
        return total;
    }
}
