package io.forkpool.worker.child;

import io.forkpool.kind.DiceKind;
import io.forkpool.kind.DiceRequest;
import io.forkpool.kind.PiKind;
import io.forkpool.kind.PiRequest;
import io.forkpool.kind.ProjectileKind;
import io.forkpool.kind.ProjectileRequest;
import io.forkpool.kind.SineKind;
import io.forkpool.kind.SineRequest;
import io.forkpool.kind.SmallestMultipleKind;
import io.forkpool.kind.SmallestMultipleRequest;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.KindRegistry;
import io.forkpool.plugin.RequestFields;
import io.forkpool.worker.protocol.FrameCodec;
import io.forkpool.worker.protocol.Message;
import java.util.List;

/**
 * Runs every kernel before the worker says hello, so the first real shard meets compiled code.
 *
 * <p>The vector kernels are the reason: before C2 has compiled them every vector operation
 * allocates (hundreds of nanoseconds per sample), and a single long call can get stuck in slow
 * on-stack-replacement code for seconds. So the kernels are called on tiny jobs (one short block:
 * a few rounds of the vector loop plus a few leftover samples), round-robin, until C2 has compiled
 * the kernel methods whole; their loops then run as long as a real block needs. The worker's JVM
 * lowers the call counts that trigger compilation for the kernel classes (WorkerLauncher), and the
 * scalar kinds run only a few times, so the one C2 compiler thread is not busy with them. The tiny
 * jobs take every branch a full block takes (dice's counter flush too): compiled code that has
 * never seen a branch deoptimises on its first use, and C2 then compiles it twice more.
 *
 * <p>When every tiny vector call runs at compiled speed, the vector kernels are probed every
 * ~20 ms with a call shaped like a real shard (shard 0 of a mid-size job: full blocks, through
 * {@code compute}, as {@link WorkerMain} calls it). Warm-up ends once every probe runs at compiled
 * speed (≥ {@link #COMPILED_UNITS_PER_NANO} units/ns, dice at least half pi's rate; twice in a
 * row: a busy machine can make one probe look fast or slow), or at 3× the budget whatever the
 * probes say. The budget counts the warm-up thread's CPU time ({@link Clock}), so a worker kept
 * waiting for a core still ends warm.
 * {@code -Dforkpool.worker.warmup-trace=true} prints every probe's speed on stderr.
 */
final class Warmup {

    /** Tiny jobs of one short block (32 lanes × 2 rounds + 1), cheap even before compilation. */
    private static final long SMALL = 65;

    /**
     * Dice draws 4 rolls per lane and round: 16 rounds and 5 leftover rolls. With up to 6 faces
     * the kernel flushes its packed counters every 15 rounds; fewer rounds left that branch out
     * of the profile, and the first full block deoptimised the compiled kernel (then C2 spent
     * ~0.5 s compiling it again, once on the stack and once whole).
     */
    private static final long SMALL_DICE = 16 * 128 + 5;

    private static final List<JobRequest> KINDS =
            List.of(pi(SMALL), projectile(SMALL), dice(SMALL_DICE, 6), dice(SMALL_DICE, 20));

    /**
     * The scalar kinds run a few times only, to load and initialise their classes: they are fast
     * in C1 code too, and in the loop they kept the one C2 compiler thread busy for ~0.4 s (an
     * on-stack-replacement compile of sine's term loop) while the vector kernels waited.
     */
    private static final List<JobRequest> SCALAR_KINDS = List.of(
            JobRequest.of(new SineKind(), new SineRequest(30.0, 200), null),
            JobRequest.of(
                    new SmallestMultipleKind(),
                    RequestFields.withDefaults(new SmallestMultipleRequest(SMALL, 7L, null, null)),
                    1L));

    /**
     * Real-shard-shaped probes of the vector kernels: shard 0 of a mid-size job (a few full
     * blocks). Compiled: 0.5–11 units/ns; interpreted or C1 vector code: 0.0004–0.02.
     */
    private static final List<JobRequest> PROBES =
            List.of(pi(1L << 20), projectile(1L << 20), dice(1L << 21, 6), dice(1L << 20, 20));

    private static JobRequest pi(long samples) {
        return JobRequest.of(new PiKind(), new PiRequest(samples), 1L);
    }

    private static JobRequest projectile(long samples) {
        return JobRequest.of(
                new ProjectileKind(),
                RequestFields.withDefaults(new ProjectileRequest(samples, null, null, null, null, null, null)),
                1L);
    }

    private static JobRequest dice(long rolls, int faces) {
        return JobRequest.of(new DiceKind(), new DiceRequest(rolls, faces), 1L);
    }

    /** Units per nanosecond (0.1 = 100 M/s) above which a probe counts as compiled. */
    static final double COMPILED_UNITS_PER_NANO = 0.1;

    /** Probes run at most every 20 ms of the warm-up thread's CPU time. */
    static final long PROBE_EVERY_NANOS = 20_000_000;

    /** A tiny vector call (65–2053 units) under this looks compiled (compiled: ~1 µs; cold: ~1 ms). */
    private static final long TINY_COMPILED_NANOS = 30_000;

    private Warmup() {}

    /** How a warm-up ended: its kernels ran at compiled speed, or it ran out of budget first. */
    enum Outcome {
        WARM,
        COLD
    }

    /**
     * The time the warm-up loop's budget goes by: the CPU time of the warm-up's own thread, not
     * wall time, so that a worker that waits for a core (a loaded machine, or a spare at idle
     * priority while the pool's workers run a job) does not end its warm-up cold because the wall
     * clock ran out.
     */
    interface Clock {
        /** CPU time of the calling thread in ns; a monotonic wall clock where the platform does not tell. */
        long cpuNanos();
    }

    /** The kernels, as the loop sees them (tests pass fakes). */
    interface Kernels {
        /** One round of tiny calls; true when every call looked compiled. */
        boolean tinyRound();

        /** The shard-shaped probes once each; true when every one ran at compiled speed. */
        boolean probesFast(Clock clock);
    }

    /** Runs the kernels until they are compiled, at most 3× {@code budgetMillis} of CPU time. */
    static Outcome run(long budgetMillis) {
        return run(budgetMillis, null);
    }

    /**
     * As {@link #run(long)}; once warm, one shard of each kind also goes the way a real one goes
     * in {@link WorkerMain} ({@code kinds}: the worker's installed kinds; null: skipped).
     */
    static Outcome run(long budgetMillis, KindRegistry kinds) {
        if (budgetMillis <= 0) {
            return Outcome.WARM;
        }
        long start = System.nanoTime();
        for (var kind : SCALAR_KINDS) {
            for (int i = 0; i < 3; i++) {
                kind.compute(i % kind.shardCount());
            }
        }
        var clock = ThreadClock.INSTANCE;
        var outcome = loop(budgetMillis * 1_000_000, clock, new VectorKernels());
        if (outcome == Outcome.WARM && kinds != null) {
            throughTheFrames(kinds);
        }
        long wallMillis = (System.nanoTime() - start) / 1_000_000;
        if (outcome == Outcome.COLD) {
            System.err.printf(
                    "warm-up: %d ms (%d ms of CPU), stopped at 3x the budget before every probe ran compiled%n",
                    wallMillis, clock.cpuNanos() / 1_000_000);
        } else if (TRACE) {
            System.err.printf("warm-up: done in %d ms%n", wallMillis);
        }
        return outcome;
    }

    /**
     * The loop: round after round of tiny calls; once a round's tiny calls all look compiled, the
     * probes (at most every {@link #PROBE_EVERY_NANOS}); warm when the probes are fast twice in a
     * row (a busy machine can make one probe look fast or slow); cold once 3× the budget of CPU
     * time has gone by first.
     */
    static Outcome loop(long budgetNanos, Clock clock, Kernels kernels) {
        long start = clock.cpuNanos();
        long hardEnd = start + 3 * budgetNanos;
        long nextProbe = start;
        int fastInARow = 0;
        while (true) {
            // The tiny calls time themselves for free; the shard-shaped probes cost ~100 ms while
            // the kernels are cold, so they only run once every tiny vector call looks compiled.
            boolean tinyFast = kernels.tinyRound();
            long now = clock.cpuNanos();
            if (now - hardEnd >= 0) {
                return Outcome.COLD;
            }
            if (tinyFast && now - nextProbe >= 0) {
                fastInARow = kernels.probesFast(clock) ? fastInARow + 1 : 0;
                if (fastInARow >= 2) {
                    return Outcome.WARM;
                }
                nextProbe = clock.cpuNanos() + PROBE_EVERY_NANOS;
            }
        }
    }

    /**
     * One tiny shard of each kind through a Run frame, the request's decoding, the kernel, the
     * partial's encoding and a Done frame, as {@link WorkerMain#serve} does: the first decoding of
     * a kind's request and partial builds their codecs (classes generated at run time, ~5 ms
     * each, interpreted), which a worker's first real shard otherwise paid (its first large
     * shards ran at 0.75x the later ones' speed).
     */
    private static void throughTheFrames(KindRegistry kinds) {
        var requests = new java.util.ArrayList<JobRequest>(KINDS);
        requests.addAll(SCALAR_KINDS);
        try {
            var bytes = new java.io.ByteArrayOutputStream();
            long ticket = 0;
            for (var request : requests) {
                FrameCodec.write(bytes, new Message.Run(++ticket, request, 0));
            }
            var in = new java.io.ByteArrayInputStream(bytes.toByteArray());
            var out = new java.io.ByteArrayOutputStream();
            Message message;
            while ((message = FrameCodec.read(in)) != null) {
                var run = (Message.Run) message;
                var request = JobRequest.decode(kinds, run.type(), run.seed(), run.params());
                FrameCodec.write(out, new Message.Done(run.ticket(), 0, -1, request.computeEncoded(run.shard())));
            }
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("warm-up: a shard through the frames failed: " + e);
        }
    }

    /** The real kernels: {@link #KINDS} as tiny calls, {@link #PROBES} as probes. */
    private static final class VectorKernels implements Kernels {

        private int round;

        @Override
        public boolean tinyRound() {
            boolean fast = true;
            for (var kind : KINDS) {
                long t0 = System.nanoTime();
                kind.compute(round % kind.shardCount());
                fast &= System.nanoTime() - t0 < TINY_COMPILED_NANOS;
            }
            round++;
            return fast;
        }

        @Override
        public boolean probesFast(Clock clock) {
            return Warmup.probesFast(clock);
        }
    }

    /**
     * The warm-up thread's CPU time, exact to the nanosecond (clock_gettime of the thread's CPU
     * clock, through ThreadMXBean); wall time where the JVM cannot tell. (Linux's schedstat
     * moves in scheduler ticks: too coarse to time a probe of ~0.2–2 ms.)
     */
    static final class ThreadClock implements Clock {

        static final ThreadClock INSTANCE = new ThreadClock();

        private final java.lang.management.ThreadMXBean threads = threads();

        private static java.lang.management.ThreadMXBean threads() {
            try {
                var bean = java.lang.management.ManagementFactory.getThreadMXBean();
                return bean.isCurrentThreadCpuTimeSupported() ? bean : null;
            } catch (RuntimeException | LinkageError e) {
                return null;
            }
        }

        @Override
        public long cpuNanos() {
            return threads != null ? threads.getCurrentThreadCpuTime() : System.nanoTime();
        }
    }

    /** {@code -Dforkpool.worker.warmup-trace=true}: each probe's speed on stderr (the worker's log). */
    private static final boolean TRACE = Boolean.getBoolean("forkpool.worker.warmup-trace");

    /**
     * True when every probe ran at compiled speed: at least {@link #COMPILED_UNITS_PER_NANO}, and
     * dice with 6 faces (PROBES[2]) at least {@link #DICE_OVER_PI} of pi's rate (PROBES[0]). Timed
     * in the warm-up thread's CPU time, so a probe that lost its core on a loaded machine does not
     * look slow. Runs them all: each call trains its kernel.
     */
    private static boolean probesFast(Clock clock) {
        var trace = TRACE ? new StringBuilder("warm-up probes (units per CPU ns):") : null;
        double[] rates = new double[PROBES.size()];
        for (int i = 0; i < rates.length; i++) {
            var probe = PROBES.get(i);
            long t0 = clock.cpuNanos();
            probe.compute(0);
            rates[i] = probe.shardUnits(0) / (double) Math.max(1, clock.cpuNanos() - t0);
            if (trace != null) {
                trace.append(' ')
                        .append(probe.type())
                        .append('=')
                        .append(String.format(java.util.Locale.ROOT, "%.3f", rates[i]));
            }
        }
        if (trace != null) {
            System.err.println(trace);
        }
        return compiled(rates);
    }

    /**
     * Dice with 6 faces draws 4 rolls per 64-bit draw where pi draws 2 numbers per sample: with
     * its kernel compiled well it runs at 2–3x pi's rate on any vector width (Zen 5: 11 against
     * 4.2 G/s). The slow mode seen in about 1 worker of 20 (a C2 compile of the dice kernel that
     * left a vector call virtual and every vector boxed) ran it at 0.05–0.15x pi's rate.
     */
    static final double DICE_OVER_PI = 0.5;

    /** The probes' rates (units/ns, in {@link #PROBES}' order) are those of compiled kernels. */
    static boolean compiled(double[] rates) {
        for (double rate : rates) {
            if (rate < COMPILED_UNITS_PER_NANO) {
                return false;
            }
        }
        return rates[2] >= DICE_OVER_PI * rates[0];
    }
}
