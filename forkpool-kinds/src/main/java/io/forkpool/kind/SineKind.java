package io.forkpool.kind;

import io.forkpool.kind.JobResult.SineResult;
import io.forkpool.kind.Partial.TermSum;
import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Plot;
import io.forkpool.kind.api.Shard;
import io.forkpool.kind.api.WorkerWarmup;

/**
 * The partial Taylor sum of sin x with {@code terms} terms, the terms split across shards like the
 * tutorial's Pool.starmap exercise. Deterministic: there is no seed.
 */
public final class SineKind implements JobKind<SineRequest, TermSum, SineResult> {

    static final int MAX_TERMS = 10_000;

    private static final Codec<TermSum> CODEC = Codec.ofRecord(TermSum.class);

    @Override
    public String name() {
        return "sine";
    }

    @Override
    public String description() {
        return "sin x by its Taylor series, the terms summed exactly across workers (Pool.starmap)";
    }

    @Override
    public Class<SineRequest> requestType() {
        return SineRequest.class;
    }

    @Override
    public Class<SineResult> resultType() {
        return SineResult.class;
    }

    @Override
    public SineRequest example() {
        return new SineRequest(0.5, 3);
    }

    @Override
    public boolean seeded() {
        return false;
    }

    /** A block is one term: the blocks of the other kinds exist for their random streams. */
    @Override
    public Layout layout(SineRequest request) {
        return new Layout(request.terms(), 1, SineKernel.TERMS_PER_SHARD);
    }

    @Override
    public TermSum compute(SineRequest request, Shard shard) {
        int first = Math.toIntExact(shard.firstBlock());
        int end = Math.toIntExact(shard.endBlock());
        return new TermSum(new SineKernel(request.x(), request.terms()).sum(first, end));
    }

    @Override
    public Codec<TermSum> partialCodec() {
        return CODEC;
    }

    @Override
    public TermSum merge(TermSum a, TermSum b) {
        return (TermSum) a.merge(b);
    }

    @Override
    public SineResult finish(SineRequest request, TermSum merged) {
        double approximation = merged.sum().doubleValue();
        double exact = Math.sin(request.x());
        return new SineResult(approximation, exact, Math.abs(approximation - exact), request.terms());
    }

    @Override
    public Plot plot(SineRequest request, SineResult result) {
        return Charts.sine(result);
    }

    /** A scalar kernel, fast in C1 code too: run a few times to load its classes. */
    @Override
    public WorkerWarmup<SineRequest> workerWarmup() {
        return WorkerWarmup.once(new SineRequest(30.0, 200));
    }
}
