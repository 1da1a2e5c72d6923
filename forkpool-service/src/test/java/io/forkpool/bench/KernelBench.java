package io.forkpool.bench;

import io.forkpool.kind.DiceRequest;
import io.forkpool.kind.JobRequest;
import io.forkpool.kind.Partial;
import io.forkpool.kind.PiRequest;
import io.forkpool.kind.ProjectileRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-core throughput of the kernels as a worker runs them: one shard of 2 × {@link #SAMPLES}
 * samples (32 blocks of 64K, each block one kernel call) through the public
 * {@link JobRequest#compute}. Scores are operations per second where an operation is one sample
 * (roll), i.e. samples per second. Run with {@code bench/jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC", "-Xmx256m"})
public class KernelBench {

    static final int SAMPLES = 1 << 20;

    /** Jobs of 2^25 samples: 16 shards of 32 blocks (the job's own cut). */
    private final PiRequest pi = new PiRequest(16L * 2 * SAMPLES, 1L);
    private final DiceRequest dice = new DiceRequest(16L * 2 * SAMPLES, 6, 1L);
    private final DiceRequest dice20 = new DiceRequest(16L * 2 * SAMPLES, 20, 1L);
    private final ProjectileRequest projectile = (ProjectileRequest)
            new ProjectileRequest(16L * 2 * SAMPLES, null, null, null, null, null, null, 1L).withDefaults(1);

    private int shard;

    private int next(JobRequest request) {
        shard = (shard + 1) % request.shardCount();
        return shard;
    }

    @Benchmark
    @OperationsPerInvocation(2 * SAMPLES)
    public Partial pi() {
        return pi.compute(next(pi));
    }

    @Benchmark
    @OperationsPerInvocation(2 * SAMPLES)
    public Partial dice() {
        return dice.compute(next(dice));
    }

    @Benchmark
    @OperationsPerInvocation(2 * SAMPLES)
    public Partial dice20() {
        return dice20.compute(next(dice20));
    }

    @Benchmark
    @OperationsPerInvocation(2 * SAMPLES)
    public Partial projectile() {
        return projectile.compute(next(projectile));
    }
}
