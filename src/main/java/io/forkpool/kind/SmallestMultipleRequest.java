package io.forkpool.kind;

import io.forkpool.kind.JobResult.SmallestMultipleResult;
import io.forkpool.kind.Partial.Multiples;
import java.util.List;

/**
 * Draws {@code samples} uniform integers in [low, high) and reports the smallest multiple of
 * {@code factor} among them (the tutorial's Queue example; high is exclusive like numpy's
 * {@code randint(1, 1000)}).
 */
public record SmallestMultipleRequest(Long samples, Long factor, Long low, Long high, Long seed)
        implements JobRequest {

    static final long DEFAULT_LOW = 1;
    static final long DEFAULT_HIGH = 1000;
    static final long MAX_FACTOR = 1_000_000_000L;
    static final long MAX_HIGH = 1_000_000_000_000L;

    @Override
    public String type() {
        return "smallest-multiple";
    }

    @Override
    public List<FieldError> validate(Limits limits) {
        var checks = new FieldChecks();
        if (checks.present("samples", samples)) {
            checks.between("samples", samples, 1, limits.maxSamples());
        }
        if (checks.present("factor", factor)) {
            checks.between("factor", factor, 1, MAX_FACTOR);
        }
        boolean bounds = checks.between("low", low, 1, MAX_HIGH - 1)
                & checks.between("high", high, 2, MAX_HIGH);
        if (bounds) {
            checks.ordered("low", low, DEFAULT_LOW, "high", high, DEFAULT_HIGH, true);
        }
        return checks.errors();
    }

    @Override
    public JobRequest withDefaults(long seed) {
        return new SmallestMultipleRequest(
                samples,
                factor,
                low != null ? low : DEFAULT_LOW,
                high != null ? high : DEFAULT_HIGH,
                this.seed != null ? this.seed : seed);
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
        Partial result = new Multiples(0, 0);
        for (long block = layout.firstBlock(shard); block < layout.endBlock(shard); block++) {
            int n = layout.unitsOfBlock(block);
            result = result.merge(SmallestMultipleKernel.draw(seed, block, n, factor, low, high));
        }
        return result;
    }

    @Override
    public JobResult finish(Partial merged) {
        var multiples = (Multiples) merged;
        Long smallest = multiples.smallest() == 0 ? null : multiples.smallest();
        return new SmallestMultipleResult(smallest, multiples.count());
    }

    private BlockLayout layout() {
        return new BlockLayout(
                samples, SmallestMultipleKernel.BLOCK_SAMPLES, SmallestMultipleKernel.BLOCKS_PER_SHARD);
    }
}
