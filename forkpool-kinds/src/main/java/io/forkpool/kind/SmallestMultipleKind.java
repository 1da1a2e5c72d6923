package io.forkpool.kind;

import io.forkpool.kind.JobResult.SmallestMultipleResult;
import io.forkpool.kind.Partial.Multiples;
import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.CrossCheck;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Plot;
import io.forkpool.kind.api.Shard;
import io.forkpool.kind.api.WorkerWarmup;

/**
 * Draws uniform integers in [low, high) and reports the smallest multiple of {@code factor} among
 * them (the tutorial's Queue example; high is exclusive like numpy's {@code randint(1, 1000)}).
 */
public final class SmallestMultipleKind implements JobKind<SmallestMultipleRequest, Multiples, SmallestMultipleResult> {

    static final long DEFAULT_LOW = 1;
    static final long DEFAULT_HIGH = 1000;
    static final long MAX_FACTOR = 1_000_000_000L;
    static final long MAX_HIGH = 1_000_000_000_000L;

    private static final Codec<Multiples> CODEC = Codec.ofRecord(Multiples.class);

    @Override
    public String name() {
        return "smallest-multiple";
    }

    @Override
    public String description() {
        return "The smallest multiple of a factor among random integers in [low, high) (the tutorial's Queue example)";
    }

    @Override
    public Class<SmallestMultipleRequest> requestType() {
        return SmallestMultipleRequest.class;
    }

    @Override
    public Class<SmallestMultipleResult> resultType() {
        return SmallestMultipleResult.class;
    }

    @Override
    public SmallestMultipleRequest example() {
        return new SmallestMultipleRequest(1_000_000L, 7L, 1L, 1000L);
    }

    @Override
    public SmallestMultipleRequest warmup() {
        return new SmallestMultipleRequest(10_000L, 7L, 1L, 1000L);
    }

    @Override
    public void check(CrossCheck<SmallestMultipleRequest> check) {
        if (check.valid("low", "high")) {
            var given = check.given();
            Ordering.check(check, "low", given.low(), DEFAULT_LOW, "high", given.high(), DEFAULT_HIGH, true);
        }
    }

    @Override
    public Layout layout(SmallestMultipleRequest request) {
        return new Layout(
                request.samples(), SmallestMultipleKernel.BLOCK_SAMPLES, SmallestMultipleKernel.BLOCKS_PER_SHARD);
    }

    @Override
    public Multiples compute(SmallestMultipleRequest r, Shard shard) {
        Partial result = new Multiples(0, 0);
        for (long block = shard.firstBlock(); block < shard.endBlock(); block++) {
            int n = shard.unitsOfBlock(block);
            result = result.merge(SmallestMultipleKernel.draw(shard.seed(), block, n, r.factor(), r.low(), r.high()));
        }
        return (Multiples) result;
    }

    @Override
    public Codec<Multiples> partialCodec() {
        return CODEC;
    }

    @Override
    public Multiples merge(Multiples a, Multiples b) {
        return (Multiples) a.merge(b);
    }

    @Override
    public SmallestMultipleResult finish(SmallestMultipleRequest request, Multiples multiples) {
        Long smallest = multiples.smallest() == 0 ? null : multiples.smallest();
        return new SmallestMultipleResult(smallest, multiples.count());
    }

    @Override
    public Plot plot(SmallestMultipleRequest request, SmallestMultipleResult result) {
        return Charts.smallestMultiple(result);
    }

    /** A scalar kernel, fast in C1 code too: run a few times to load its classes. */
    @Override
    public WorkerWarmup<SmallestMultipleRequest> workerWarmup() {
        return WorkerWarmup.once(new SmallestMultipleRequest(65L, 7L, null, null));
    }
}
