package io.forkpool.kind;

import io.forkpool.kind.JobResult.Bin;
import io.forkpool.kind.JobResult.ProjectileResult;
import io.forkpool.kind.Partial.Histogram;
import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.CrossCheck;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Plot;
import io.forkpool.kind.api.Precision;
import io.forkpool.kind.api.Shard;
import io.forkpool.kind.api.WorkerWarmup;
import java.util.ArrayList;
import java.util.List;

/** A histogram of simulated projectile ranges, angle and speed uniform in their intervals. */
public final class ProjectileKind implements JobKind<ProjectileRequest, Histogram, ProjectileResult> {

    static final int MAX_BINS = 1000;
    static final double DEFAULT_ANGLE_MIN_DEG = 30;
    static final double DEFAULT_ANGLE_MAX_DEG = 31;
    static final double DEFAULT_SPEED_MIN = 99;
    static final double DEFAULT_SPEED_MAX = 100;

    private static final Codec<Histogram> CODEC = Codec.ofRecord(Histogram.class);

    @Override
    public String name() {
        return "projectile";
    }

    @Override
    public String description() {
        return "Histogram of a projectile's range when its launch angle and speed are only known to lie in intervals";
    }

    @Override
    public Class<ProjectileRequest> requestType() {
        return ProjectileRequest.class;
    }

    @Override
    public Class<ProjectileResult> resultType() {
        return ProjectileResult.class;
    }

    @Override
    public ProjectileRequest example() {
        return new ProjectileRequest(10_000_000L, 20, 30.0, 31.0, 99.0, 100.0, 9.81);
    }

    @Override
    public ProjectileRequest warmup() {
        return new ProjectileRequest(20_000L, 20, 30.0, 31.0, 99.0, 100.0, 9.81);
    }

    @Override
    public void check(CrossCheck<ProjectileRequest> check) {
        var given = check.given();
        boolean angles = check.valid("angleMinDeg", "angleMaxDeg");
        if (angles) {
            Ordering.check(
                    check,
                    "angleMinDeg",
                    given.angleMinDeg(),
                    DEFAULT_ANGLE_MIN_DEG,
                    "angleMaxDeg",
                    given.angleMaxDeg(),
                    DEFAULT_ANGLE_MAX_DEG,
                    false);
        }
        boolean speeds = check.valid("speedMin", "speedMax");
        if (speeds) {
            Ordering.check(
                    check,
                    "speedMin",
                    given.speedMin(),
                    DEFAULT_SPEED_MIN,
                    "speedMax",
                    given.speedMax(),
                    DEFAULT_SPEED_MAX,
                    false);
        }
        if (check.valid("gravity") && speeds && angles) {
            // v²/g overflows for a gravity within a few hundred orders of magnitude of zero:
            // the bins would have no finite edges.
            if (!Double.isFinite(ProjectileRange.max(check.filled()))) {
                check.reject("gravity", "is too small: the maximum range is not a finite number");
            }
        }
    }

    @Override
    public Layout layout(ProjectileRequest request) {
        return Layout.forJob(request.samples(), ProjectileKernel.BLOCK_SAMPLES, ProjectileKernel.MAX_BLOCKS_PER_SHARD);
    }

    @Override
    public Histogram compute(ProjectileRequest request, Shard shard) {
        var kernel = new ProjectileKernel(request);
        long[] counts = new long[request.bins()];
        for (long block = shard.firstBlock(); block < shard.endBlock(); block++) {
            kernel.sample(shard.seed(), block, shard.unitsOfBlock(block), counts);
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

    @Override
    public List<Precision<ProjectileResult>> precisionFields() {
        return List.of(Precision.lowerIsBetter(
                "meanRangeStdError",
                "standard error of the mean range (m), from the bins",
                ProjectileResult::meanRangeStdError));
    }

    @Override
    public ProjectileResult finish(ProjectileRequest request, Histogram merged) {
        long[] counts = merged.counts();
        int bins = request.bins();
        double min = ProjectileRange.min(request);
        double max = ProjectileRange.max(request);
        double width = (max - min) / bins;
        var result = new ArrayList<Bin>(bins);
        for (int i = 0; i < bins; i++) {
            double from = min + i * width;
            // The last edge is the maximum itself, not min + bins·width rounded.
            double to = i == bins - 1 ? max : min + (i + 1) * width;
            result.add(new Bin(from, to, counts[i]));
        }
        // Samples of the shards merged (every sample falls in a bin): the request's once all are.
        long samples = 0;
        double sum = 0;
        for (int i = 0; i < bins; i++) {
            samples += counts[i];
            sum += counts[i] * middle(result.get(i));
        }
        double mean = sum / samples;
        double squares = 0;
        for (int i = 0; i < bins; i++) {
            double d = middle(result.get(i)) - mean;
            squares += counts[i] * d * d;
        }
        double stdError = samples > 1 ? Math.sqrt(squares / (samples - 1) / samples) : Double.NaN;
        return new ProjectileResult(List.copyOf(result), samples, min, max, mean, stdError);
    }

    private static double middle(Bin bin) {
        return (bin.from() + bin.to()) / 2;
    }

    @Override
    public Plot plot(ProjectileRequest request, ProjectileResult result) {
        return Charts.projectile(result);
    }

    /** One short block, then shard 0 of a mid-size job as the probe; the other fields their defaults. */
    @Override
    public WorkerWarmup<ProjectileRequest> workerWarmup() {
        return new WorkerWarmup<>(
                List.of(new ProjectileRequest(65L, null, null, null, null, null, null)),
                List.of(new WorkerWarmup.Probe<>(new ProjectileRequest(1L << 20, null, null, null, null, null, null))),
                List.of());
    }
}
