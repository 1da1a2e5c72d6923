package io.forkpool.bench;

import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
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
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC", "-Xmx256m"})
public class KernelBench {

    static final int SAMPLES = 1 << 20;

    /** Jobs of 2^25 samples: 16 shards of 32 blocks (the job's own cut). */
    private final JobRequest pi = TestJobs.pi(16L * 2 * SAMPLES, 1L);

    private final JobRequest dice = TestJobs.dice(16L * 2 * SAMPLES, 6, 1L);
    private final JobRequest dice20 = TestJobs.dice(16L * 2 * SAMPLES, 20, 1L);
    private final JobRequest projectile =
            TestJobs.projectile(16L * 2 * SAMPLES, null, null, null, null, null, null, 1L);

    private int shard;

    private int next(JobRequest request) {
        shard = (shard + 1) % request.shardCount();
        return shard;
    }

    @Benchmark
    @OperationsPerInvocation(2 * SAMPLES)
    public Object pi() {
        return pi.compute(next(pi));
    }

    @Benchmark
    @OperationsPerInvocation(2 * SAMPLES)
    public Object dice() {
        return dice.compute(next(dice));
    }

    @Benchmark
    @OperationsPerInvocation(2 * SAMPLES)
    public Object dice20() {
        return dice20.compute(next(dice20));
    }

    @Benchmark
    @OperationsPerInvocation(2 * SAMPLES)
    public Object projectile() {
        return projectile.compute(next(projectile));
    }
}
