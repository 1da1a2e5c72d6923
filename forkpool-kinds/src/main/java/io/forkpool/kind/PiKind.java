package io.forkpool.kind;

import io.forkpool.kind.JobResult.PiResult;
import io.forkpool.kind.Partial.PiCount;
import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Plot;
import io.forkpool.kind.api.Precision;
import io.forkpool.kind.api.Shard;
import io.forkpool.kind.api.WorkerWarmup;
import java.util.List;

/** Monte Carlo pi: the share of uniform points of the unit square inside the quarter circle, times 4. */
public final class PiKind implements JobKind<PiRequest, PiCount, PiResult> {

    /** z such that P(|N(0,1)| ≤ z) = 0.95. */
    static final double Z_95 = 1.959963984540054;

    private static final Codec<PiCount> CODEC = Codec.ofRecord(PiCount.class);

    @Override
    public String name() {
        return "pi";
    }

    @Override
    public String description() {
        return "Monte Carlo estimate of pi from random points of the unit square, with its 95% confidence interval";
    }

    @Override
    public Class<PiRequest> requestType() {
        return PiRequest.class;
    }

    @Override
    public Class<PiResult> resultType() {
        return PiResult.class;
    }

    @Override
    public PiRequest example() {
        return new PiRequest(100_000_000L);
    }

    @Override
    public PiRequest warmup() {
        return new PiRequest(100_000L);
    }

    @Override
    public Layout layout(PiRequest request) {
        return Layout.forJob(request.samples(), PiKernel.BLOCK_SAMPLES, PiKernel.MAX_BLOCKS_PER_SHARD);
    }

    @Override
    public PiCount compute(PiRequest request, Shard shard) {
        long inside = 0;
        for (long block = shard.firstBlock(); block < shard.endBlock(); block++) {
            inside += PiKernel.inside(shard.seed(), block, shard.unitsOfBlock(block));
        }
        return new PiCount(inside, shard.units());
    }

    @Override
    public Codec<PiCount> partialCodec() {
        return CODEC;
    }

    @Override
    public PiCount merge(PiCount a, PiCount b) {
        return (PiCount) a.merge(b);
    }

    @Override
    public boolean partialResults() {
        return true;
    }

    /** The estimate's standard error: a binomial proportion's, times 4. */
    @Override
    public List<Precision<PiResult>> precisionFields() {
        return List.of(Precision.lowerIsBetter("stdError", "standard error of the estimate of pi", PiResult::stdError));
    }

    @Override
    public PiResult finish(PiRequest request, PiCount count) {
        long n = count.samples();
        double p = (double) count.inside() / n;
        double estimate = 4.0 * p;
        // Binomial proportion: sd(p) = sqrt(p(1-p)/n), and the estimate is 4p.
        double stdError = 4.0 * Math.sqrt(p * (1 - p) / n);
        double[] ci95 = {estimate - Z_95 * stdError, estimate + Z_95 * stdError};
        return new PiResult(estimate, count.inside(), n, stdError, ci95, Math.PI);
    }

    @Override
    public Plot plot(PiRequest request, PiResult result) {
        return Charts.pi(result);
    }

    /** One short block (32 lanes, 2 rounds and 1 left over), then shard 0 of a mid-size job as the probe. */
    @Override
    public WorkerWarmup<PiRequest> workerWarmup() {
        return new WorkerWarmup<>(
                List.of(new PiRequest(65L)), List.of(new WorkerWarmup.Probe<>(new PiRequest(1L << 20))), List.of());
    }
}
