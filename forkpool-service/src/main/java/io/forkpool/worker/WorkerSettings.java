package io.forkpool.worker;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
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
 * @param spares warm worker processes kept beside the pool, started once the pool is ready: a lost
 *     worker's slot takes a spare at once instead of waiting for a new JVM's start and warm-up
 *     (~1.4 s), and a new spare is started behind it. Each costs an idle JVM (~100 MiB RSS), no
 *     CPU; 0 turns them off
 * @param sparePriority {@code idle} (default): a spare's JVM runs at idle CPU priority
 *     ({@code chrt --idle 0}, else {@code nice -n 19}), so its start and warm-up (~2.5 s of CPU)
 *     only take CPU the workers and the service leave unused and never slow a running job; it is
 *     set back to normal priority when it takes a slot, where the OS allows that (root or
 *     CAP_SYS_NICE); {@code normal}: as the workers
 * @param replaceSlow a worker that computes more than 10% slower per CPU second than the other
 *     workers on the same work gives its slot to a warm spare (docs/design.md); off by default:
 *     on a machine whose cores are shared with much else (CI at a load of 20 on 2 cores) healthy
 *     workers differed by more than 10% and were replaced
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
        @DefaultValue("10s") Duration maxRespawnBackoff,
        @DefaultValue("1") int spares,
        @DefaultValue("idle") SparePriority sparePriority,
        @DefaultValue("false") boolean replaceSlow) {

    /** The CPU priority a spare warms at: idle (only CPU nobody else wants) or normal. */
    public enum SparePriority {
        IDLE,
        NORMAL
    }

    @ConstructorBinding
    public WorkerSettings {
        if (spares < 0) {
            throw new IllegalArgumentException("forkpool.workers.spares must be 0 or more, not " + spares);
        }
        if (sparePriority == null) {
            sparePriority = SparePriority.IDLE;
        }
    }

    /** Spares at idle priority; no worker replaced for being slow (the tests that count every process). */
    public WorkerSettings(
            int count,
            String heap,
            Duration spawnTimeout,
            Duration warmup,
            String mainClass,
            List<String> jvmOptions,
            Duration respawnBackoff,
            Duration maxRespawnBackoff,
            int spares) {
        this(
                count,
                heap,
                spawnTimeout,
                warmup,
                mainClass,
                jvmOptions,
                respawnBackoff,
                maxRespawnBackoff,
                spares,
                SparePriority.IDLE,
                false);
    }

    /** Without spares (the tests that count every process the pool starts). */
    public WorkerSettings(
            int count,
            String heap,
            Duration spawnTimeout,
            Duration warmup,
            String mainClass,
            List<String> jvmOptions,
            Duration respawnBackoff,
            Duration maxRespawnBackoff) {
        this(
                count,
                heap,
                spawnTimeout,
                warmup,
                mainClass,
                jvmOptions,
                respawnBackoff,
                maxRespawnBackoff,
                0,
                SparePriority.IDLE,
                false);
    }

    public int size() {
        return count > 0 ? count : Runtime.getRuntime().availableProcessors();
    }
}
