package io.forkpool.kind;

import io.forkpool.kind.JobResult.DiceResult;
import io.forkpool.kind.Partial.Histogram;
import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Plot;
import io.forkpool.kind.api.Precision;
import io.forkpool.kind.api.Shard;
import io.forkpool.kind.api.WorkerWarmup;
import java.util.List;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;

/** Rolls a fair die and tests the counts against uniformity (chi-square). */
public final class DiceKind implements JobKind<DiceRequest, Histogram, DiceResult> {

    static final int MAX_FACES = 1000;

    private static final Codec<Histogram> CODEC = Codec.ofRecord(Histogram.class);

    @Override
    public String name() {
        return "dice";
    }

    @Override
    public String description() {
        return "Rolls of a fair die: the count per face and a chi-square test of fairness";
    }

    @Override
    public Class<DiceRequest> requestType() {
        return DiceRequest.class;
    }

    @Override
    public Class<DiceResult> resultType() {
        return DiceResult.class;
    }

    @Override
    public DiceRequest example() {
        return new DiceRequest(10_000_000L, 6);
    }

    @Override
    public DiceRequest warmup() {
        return new DiceRequest(100_000L, 6);
    }

    @Override
    public Layout layout(DiceRequest request) {
        return Layout.forJob(request.rolls(), DiceKernel.BLOCK_ROLLS, maxBlocksPerShard(request.faces()));
    }

    @Override
    public Histogram compute(DiceRequest request, Shard shard) {
        long[] counts = new long[request.faces()];
        for (long block = shard.firstBlock(); block < shard.endBlock(); block++) {
            DiceKernel.roll(shard.seed(), block, shard.unitsOfBlock(block), counts);
        }
        return new Histogram(counts);
    }

    @Override
    public Codec<Histogram> partialCodec() {
        return CODEC;
    }

    @Override
    public Histogram merge(Histogram a, Histogram b) {
        return (Histogram) a.merge(b);
    }

    @Override
    public boolean partialResults() {
        return true;
    }

    /**
     * The largest standard error of a face's frequency: it shrinks as 1/sqrt(rolls), as a precision
     * should; the chi-square does not (for a fair die it stays about faces - 1 however many rolls).
     */
    @Override
    public List<Precision<DiceResult>> precisionFields() {
        return List.of(Precision.lowerIsBetter(
                "maxStdError", "largest standard error of a face's frequency", DiceResult::maxStdError));
    }

    @Override
    public DiceResult finish(DiceRequest request, Histogram merged) {
        int faces = request.faces();
        long[] counts = merged.counts().clone();
        long rolls = 0; // of the shards merged: all of the request's once the job is done
        for (long count : counts) {
            rolls += count;
        }
        double expected = (double) rolls / faces;
        double[] frequencies = new double[faces];
        double chiSquare = 0;
        for (int face = 0; face < faces; face++) {
            frequencies[face] = (double) counts[face] / rolls;
            double deviation = counts[face] - expected;
            chiSquare += deviation * deviation / expected;
        }
        double pValue = ChiSquaredDistribution.of(faces - 1).survivalProbability(chiSquare);
        double maxStdError = 0;
        for (double f : frequencies) {
            maxStdError = Math.max(maxStdError, Math.sqrt(f * (1 - f) / rolls));
        }
        return new DiceResult(counts, frequencies, chiSquare, pValue, maxStdError);
    }

    /**
     * Compile-time constants only: planning runs in the service JVM, which must not load the
     * Vector API kernel class (a plain java -jar cannot add the incubator module).
     */
    private static int maxBlocksPerShard(int faces) {
        return faces <= DiceKernel.PACKED_FACES
                ? DiceKernel.MAX_BLOCKS_PER_SHARD
                : DiceKernel.MAX_BLOCKS_PER_SHARD_MANY_FACES;
    }

    @Override
    public Plot plot(DiceRequest request, DiceResult result) {
        return Charts.dice(result);
    }

    /**
     * Tiny calls of 16 rounds of 4 rolls per lane and 5 left over: with up to 6 faces the kernel
     * flushes its packed counters every 15 rounds, and fewer rounds left that branch out of the
     * profile (the first full block then deoptimised the compiled kernel, and C2 spent ~0.5 s
     * compiling it again). Probes: shard 0 of mid-size jobs; compiled well, 6 faces run at 2-3x pi's
     * rate on any vector width (4 rolls per 64-bit draw where pi draws 2 numbers per sample), while a
     * C2 compile that left a vector call virtual and every vector boxed (about 1 worker in 20) ran
     * it at 0.05-0.15x: at least half of pi's rate, or not warm yet.
     */
    @Override
    public WorkerWarmup<DiceRequest> workerWarmup() {
        long rolls = 16 * 128 + 5;
        return new WorkerWarmup<>(
                List.of(new DiceRequest(rolls, 6), new DiceRequest(rolls, 20)),
                List.of(
                        new WorkerWarmup.Probe<>(new DiceRequest(1L << 21, 6), "pi", 0.5),
                        new WorkerWarmup.Probe<>(new DiceRequest(1L << 20, 20))),
                List.of());
    }
}
