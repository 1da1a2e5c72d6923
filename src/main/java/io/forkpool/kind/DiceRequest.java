package io.forkpool.kind;

import io.forkpool.kind.JobResult.DiceResult;
import io.forkpool.kind.Partial.Histogram;
import java.util.List;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;

/** Rolls a fair die {@code rolls} times and tests the counts against uniformity (chi-square). */
public record DiceRequest(Long rolls, Integer faces, Long seed) implements JobRequest {

    static final int DEFAULT_FACES = 6;
    static final int MAX_FACES = 1000;

    @Override
    public String type() {
        return "dice";
    }

    @Override
    public List<FieldError> validate(Limits limits) {
        var checks = new FieldChecks();
        if (checks.present("rolls", rolls)) {
            checks.between("rolls", rolls, 1, limits.maxSamples());
        }
        checks.between("faces", faces, 2, MAX_FACES);
        return checks.errors();
    }

    @Override
    public JobRequest withDefaults(long seed) {
        return new DiceRequest(
                rolls, faces != null ? faces : DEFAULT_FACES, this.seed != null ? this.seed : seed);
    }

    @Override
    public long units() {
        return rolls;
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
        long[] counts = new long[faces];
        for (long block = layout.firstBlock(shard); block < layout.endBlock(shard); block++) {
            DiceKernel.roll(seed, block, layout.unitsOfBlock(block), counts);
        }
        return new Histogram(counts);
    }

    @Override
    public JobResult finish(Partial merged) {
        long[] counts = ((Histogram) merged).counts().clone();
        double expected = (double) rolls / faces;
        double[] frequencies = new double[faces];
        double chiSquare = 0;
        for (int face = 0; face < faces; face++) {
            frequencies[face] = (double) counts[face] / rolls;
            double deviation = counts[face] - expected;
            chiSquare += deviation * deviation / expected;
        }
        double pValue = ChiSquaredDistribution.of(faces - 1).survivalProbability(chiSquare);
        return new DiceResult(counts, frequencies, chiSquare, pValue);
    }

    private BlockLayout layout() {
        return BlockLayout.forJob(rolls, DiceKernel.BLOCK_ROLLS, maxBlocksPerShard(faces));
    }

    /**
     * Compile-time constants only: planning runs in the service JVM, which must not load the
     * Vector API kernel class (a plain java -jar cannot add the incubator module).
     */
    private static int maxBlocksPerShard(int faces) {
        return faces <= DiceKernel.PACKED_FACES ? DiceKernel.MAX_BLOCKS_PER_SHARD
                : DiceKernel.MAX_BLOCKS_PER_SHARD_MANY_FACES;
    }
}
