package io.forkpool.worker;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.workers.*}: the pool of worker processes.
 *
 * @param count worker processes; 0 means one per core the JVM sees (a container's CPU limit)
 * @param heap maximum heap of one worker (its kernels allocate almost nothing)
 * @param spawnTimeout how long a new worker may take to say hello before it is killed
 * @param warmup a new worker's kernel warm-up budget: it says hello as soon as its vector kernels
 *     run compiled (~1.4 s after its start on a loaded 2-core machine), at the latest after 3× this;
 *     0 skips the warm-up
 * @param mainClass the worker's entry point (tests swap in misbehaving ones)
 * @param jvmOptions extra options for the worker JVMs
 * @param respawnBackoff a worker that died is replaced at once; if its replacement dies before its
 *     hello, the next try waits this long, doubling while tries keep failing
 * @param maxRespawnBackoff the longest such delay
 */
@ConfigurationProperties("forkpool.workers")
public record WorkerSettings(
        @DefaultValue("0") int count,
        @DefaultValue("64m") String heap,
        @DefaultValue("30s") Duration spawnTimeout,
        @DefaultValue("1s") Duration warmup,
        @DefaultValue("io.forkpool.worker.child.WorkerMain") String mainClass,
        @DefaultValue("") List<String> jvmOptions,
        @DefaultValue("100ms") Duration respawnBackoff,
        @DefaultValue("10s") Duration maxRespawnBackoff) {

    public int size() {
        return count > 0 ? count : Runtime.getRuntime().availableProcessors();
    }
}
