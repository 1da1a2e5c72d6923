package io.forkpool.kind;

import io.forkpool.kind.JobResult.SineResult;
import io.forkpool.kind.Partial.TermSum;
import java.util.List;

/**
 * The partial Taylor sum of sin x with {@code terms} terms, the terms split across shards like
 * the tutorial's Pool.starmap exercise. Deterministic: there is no seed.
 */
public record SineRequest(Double x, Integer terms) implements JobRequest {

    static final double MAX_ABS_X = 1000;
    static final int MAX_TERMS = 10_000;

    @Override
    public String type() {
        return "sine";
    }

    @Override
    public List<FieldError> validate(Limits limits) {
        var checks = new FieldChecks();
        if (checks.present("x", x)) {
            checks.between("x", x, -MAX_ABS_X, MAX_ABS_X);
        }
        if (checks.present("terms", terms)) {
            checks.between("terms", terms, 1, MAX_TERMS);
        }
        return checks.errors();
    }

    /** Nothing to fill: both fields are required and the sum uses no randomness. */
    @Override
    public JobRequest withDefaults(long seed) {
        return this;
    }

    @Override
    public long units() {
        return terms;
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
        int first = Math.toIntExact(layout.firstBlock(shard));
        int end = Math.toIntExact(layout.endBlock(shard));
        return new TermSum(new SineKernel(x, terms).sum(first, end));
    }

    @Override
    public JobResult finish(Partial merged) {
        double approximation = ((TermSum) merged).sum().doubleValue();
        double exact = Math.sin(x);
        return new SineResult(approximation, exact, Math.abs(approximation - exact), terms);
    }

    /** A block is one term: the blocks of the other kinds exist for their random streams. */
    private BlockLayout layout() {
        return new BlockLayout(terms, 1, SineKernel.TERMS_PER_SHARD);
    }
}
