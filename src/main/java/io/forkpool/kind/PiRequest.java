package io.forkpool.kind;

import io.forkpool.kind.JobResult.PiResult;
import io.forkpool.kind.Partial.PiCount;
import java.util.List;

/** Estimates pi from {@code samples} uniform points of the unit square (the tutorial's exercise). */
public record PiRequest(Long samples, Long seed) implements JobRequest {

    /** z such that P(|N(0,1)| ≤ z) = 0.95. */
    static final double Z_95 = 1.959963984540054;

    @Override
    public String type() {
        return "pi";
    }

    @Override
    public List<FieldError> validate(Limits limits) {
        var checks = new FieldChecks();
        if (checks.present("samples", samples)) {
            checks.between("samples", samples, 1, limits.maxSamples());
        }
        return checks.errors();
    }

    @Override
    public JobRequest withDefaults(long seed) {
        return new PiRequest(samples, this.seed != null ? this.seed : seed);
    }

    @Override
    public long units() {
        return samples;
    }

    @Override
    public int shardCount() {
        return layout().shardCount();
    }

    @Override
    public long shardUnits(int shard) {
        return layout().shardUnits(shard);
    }

    @Override
    public Partial compute(int shard) {
        var layout = layout();
        long inside = 0;
        for (long block = layout.firstBlock(shard); block < layout.endBlock(shard); block++) {
            inside += PiKernel.inside(seed, block, layout.unitsOfBlock(block));
        }
        return new PiCount(inside, layout.shardUnits(shard));
    }

    @Override
    public JobResult finish(Partial merged) {
        var count = (PiCount) merged;
        long n = count.samples();
        double p = (double) count.inside() / n;
        double estimate = 4.0 * p;
        // Binomial proportion: sd(p) = sqrt(p(1-p)/n), and the estimate is 4p.
        double stdError = 4.0 * Math.sqrt(p * (1 - p) / n);
        double[] ci95 = {estimate - Z_95 * stdError, estimate + Z_95 * stdError};
        return new PiResult(estimate, count.inside(), n, stdError, ci95);
    }

    private BlockLayout layout() {
        return BlockLayout.forJob(samples, PiKernel.BLOCK_SAMPLES, PiKernel.MAX_BLOCKS_PER_SHARD);
    }
}
