package io.forkpool.kind;

import io.forkpool.kind.JobResult.Bin;
import io.forkpool.kind.JobResult.ProjectileResult;
import io.forkpool.kind.Partial.Histogram;
import java.util.ArrayList;
import java.util.List;

/**
 * The spread of a projectile's range when its launch angle and speed are only known to lie in
 * intervals (the tutorial's exercise): a histogram of {@code samples} simulated ranges.
 */
public record ProjectileRequest(
        Long samples,
        Integer bins,
        Double angleMinDeg,
        Double angleMaxDeg,
        Double speedMin,
        Double speedMax,
        Double gravity,
        Long seed)
        implements JobRequest {

    static final int DEFAULT_BINS = 20;
    static final int MAX_BINS = 1000;
    static final double DEFAULT_ANGLE_MIN_DEG = 30;
    static final double DEFAULT_ANGLE_MAX_DEG = 31;
    static final double DEFAULT_SPEED_MIN = 99;
    static final double DEFAULT_SPEED_MAX = 100;
    static final double DEFAULT_GRAVITY = 9.81;
    static final double MAX_SPEED = 1e6;
    static final double MAX_GRAVITY = 1000;

    @Override
    public String type() {
        return "projectile";
    }

    @Override
    public List<FieldError> validate(Limits limits) {
        var checks = new FieldChecks();
        if (checks.present("samples", samples)) {
            checks.between("samples", samples, 1, limits.maxSamples());
        }
        checks.between("bins", bins, 1, MAX_BINS);
        boolean angles = checks.between("angleMinDeg", angleMinDeg, 0, 90)
                & checks.between("angleMaxDeg", angleMaxDeg, 0, 90);
        if (angles) {
            checks.ordered("angleMinDeg", angleMinDeg, DEFAULT_ANGLE_MIN_DEG,
                    "angleMaxDeg", angleMaxDeg, DEFAULT_ANGLE_MAX_DEG, false);
        }
        boolean speeds = checks.positiveAtMost("speedMin", speedMin, MAX_SPEED)
                & checks.positiveAtMost("speedMax", speedMax, MAX_SPEED);
        if (speeds) {
            checks.ordered("speedMin", speedMin, DEFAULT_SPEED_MIN,
                    "speedMax", speedMax, DEFAULT_SPEED_MAX, false);
        }
        boolean gravityOk = checks.positiveAtMost("gravity", gravity, MAX_GRAVITY);
        if (gravityOk && speeds && angles) {
            // v²/g overflows for a gravity within a few hundred orders of magnitude of zero:
            // the bins would have no finite edges.
            var filled = (ProjectileRequest) withDefaults(0);
            if (!Double.isFinite(ProjectileRange.max(filled))) {
                checks.error("gravity", "is too small: the maximum range is not a finite number");
            }
        }
        return checks.errors();
    }

    @Override
    public JobRequest withDefaults(long seed) {
        return new ProjectileRequest(
                samples,
                bins != null ? bins : DEFAULT_BINS,
                angleMinDeg != null ? angleMinDeg : DEFAULT_ANGLE_MIN_DEG,
                angleMaxDeg != null ? angleMaxDeg : DEFAULT_ANGLE_MAX_DEG,
                speedMin != null ? speedMin : DEFAULT_SPEED_MIN,
                speedMax != null ? speedMax : DEFAULT_SPEED_MAX,
                gravity != null ? gravity : DEFAULT_GRAVITY,
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
        var kernel = new ProjectileKernel(this);
        long[] counts = new long[bins];
        for (long block = layout.firstBlock(shard); block < layout.endBlock(shard); block++) {
            kernel.sample(seed, block, layout.unitsOfBlock(block), counts);
        }
        return new Histogram(counts);
    }

    @Override
    public JobResult finish(Partial merged) {
        long[] counts = ((Histogram) merged).counts();
        double min = ProjectileRange.min(this);
        double max = ProjectileRange.max(this);
        double width = (max - min) / bins;
        var result = new ArrayList<Bin>(bins);
        for (int i = 0; i < bins; i++) {
            double from = min + i * width;
            // The last edge is the maximum itself, not min + bins·width rounded.
            double to = i == bins - 1 ? max : min + (i + 1) * width;
            result.add(new Bin(from, to, counts[i]));
        }
        return new ProjectileResult(List.copyOf(result), samples, min, max);
    }

    private BlockLayout layout() {
        return BlockLayout.forJob(samples, ProjectileKernel.BLOCK_SAMPLES, ProjectileKernel.MAX_BLOCKS_PER_SHARD);
    }
}
