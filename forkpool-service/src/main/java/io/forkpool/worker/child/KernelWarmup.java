package io.forkpool.worker.child;

import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.WorkerWarmup;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.KindRegistry;
import io.forkpool.plugin.RequestFields;
import io.forkpool.worker.protocol.FrameCodec;
import io.forkpool.worker.protocol.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every kernel before the worker says hello, so the first real shard meets compiled code:
 * each installed kind's {@link JobKind#workerWarmup()} (the built-in vector kinds give tiny calls and
 * probes, the scalar ones a few calls; a kind without one is not run).
 *
 * <p>The vector kernels are the reason: before C2 has compiled them every vector operation
 * allocates (hundreds of nanoseconds per sample), and a single long call can get stuck in slow
 * on-stack-replacement code for seconds. So the kernels are called on tiny jobs (one short block:
 * a few rounds of the vector loop plus a few leftover samples), round-robin, until C2 has compiled
 * the kernel methods whole; their loops then run as long as a real block needs. The worker's JVM
 * lowers the call counts that trigger compilation for the kernel classes (WorkerLauncher), and the
 * scalar kinds ({@link WorkerWarmup#once}) run only a few times, so the one C2 compiler thread is not busy with them. The tiny
 * jobs take every branch a full block takes (dice's counter flush too): compiled code that has
 * never seen a branch deoptimises on its first use, and C2 then compiles it twice more.
 *
 * <p>When every tiny vector call runs at compiled speed, the vector kernels are probed every
 * ~20 ms with a call shaped like a real shard (shard 0 of a mid-size job: full blocks, through
 * {@code compute}, as {@link WorkerMain} calls it). Warm-up ends once every probe runs at compiled
 * speed (≥ {@link WorkerWarmup#COMPILED_UNITS_PER_NANO} units/ns, and at least the share of another
 * kind's rate a probe asks for: dice at least half pi's; twice in a row: a busy machine can make one probe look fast or slow), or at 3× the budget whatever the
 * probes say. The budget counts the warm-up thread's CPU time ({@link Clock}), so a worker kept
 * waiting for a core still ends warm.
 * {@code -Dforkpool.worker.warmup-trace=true} prints every probe's speed on stderr.
 */
final class KernelWarmup {

    /**
     * The installed kinds' warm-up calls, in the registry's order, each request with its defaults
     * filled and seed 1: the tiny calls and the probes of the kernels that need C2, the few calls of
     * those that do not.
     */
    record Calls(List<JobRequest> tiny, List<Probe> probes, List<JobRequest> once) {

        @SuppressWarnings({"rawtypes", "unchecked"})
        static Calls of(KindRegistry kinds) {
            var tiny = new ArrayList<JobRequest>();
            var probes = new ArrayList<Probe>();
            var once = new ArrayList<JobRequest>();
            for (var installed : kinds.all()) {
                JobKind kind = installed.kind();
                WorkerWarmup<?> warmup = kind.workerWarmup();
                if (warmup == null) {
                    continue;
                }
                warmup.tiny().forEach(r -> tiny.add(request(kind, r)));
                warmup.probes().forEach(p -> probes.add(new Probe(request(kind, p.request()), p.against(), p.share())));
                warmup.once().forEach(r -> once.add(request(kind, r)));
            }
            return new Calls(List.copyOf(tiny), List.copyOf(probes), List.copyOf(once));
        }

        private static JobRequest request(JobKind<?, ?, ?> kind, Record request) {
            return JobRequest.of(kind, RequestFields.withDefaults(request), kind.seeded() ? 1L : null);
        }
    }

    /** A probe's call and how fast it must run against another kind's first probe (null: no such check). */
    record Probe(JobRequest request, String against, double share) {}

    /** Probes run at most every 20 ms of the warm-up thread's CPU time. */
    static final long PROBE_EVERY_NANOS = 20_000_000;

    /** A tiny vector call (65–2053 units) under this looks compiled (compiled: ~1 µs; cold: ~1 ms). */
    private static final long TINY_COMPILED_NANOS = 30_000;

    private KernelWarmup() {}

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

    /**
     * Runs the kernels of {@code kinds} (the worker's installed kinds) until they are compiled, at
     * most 3× {@code budgetMillis} of CPU time; once warm, one shard of each also goes the way a
     * real one goes in {@link WorkerMain}.
     */
    static Outcome run(long budgetMillis, KindRegistry kinds) {
        if (budgetMillis <= 0) {
            return Outcome.WARM;
        }
        long start = System.nanoTime();
        var calls = Calls.of(kinds);
        for (var kind : calls.once()) {
            for (int i = 0; i < 3; i++) {
                kind.compute(i % kind.shardCount());
            }
        }
        var clock = ThreadClock.INSTANCE;
        var outcome = loop(budgetMillis * 1_000_000, clock, new VectorKernels(calls));
        if (outcome == Outcome.WARM) {
            throughTheFrames(kinds, calls);
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
    private static void throughTheFrames(KindRegistry kinds, Calls calls) {
        var requests = new ArrayList<JobRequest>(calls.tiny());
        requests.addAll(calls.once());
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

    /** The real kernels: the kinds' tiny calls, and their probes. */
    private static final class VectorKernels implements Kernels {

        private final Calls calls;
        private int round;

        VectorKernels(Calls calls) {
            this.calls = calls;
        }

        @Override
        public boolean tinyRound() {
            boolean fast = true;
            for (var kind : calls.tiny()) {
                long t0 = System.nanoTime();
                kind.compute(round % kind.shardCount());
                fast &= System.nanoTime() - t0 < TINY_COMPILED_NANOS;
            }
            round++;
            return fast;
        }

        @Override
        public boolean probesFast(Clock clock) {
            return KernelWarmup.probesFast(calls.probes(), clock);
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
     * True when every probe ran at compiled speed ({@link #compiled}). Timed
     * in the warm-up thread's CPU time, so a probe that lost its core on a loaded machine does not
     * look slow. Runs them all: each call trains its kernel.
     */
    private static boolean probesFast(List<Probe> probes, Clock clock) {
        var trace = TRACE ? new StringBuilder("warm-up probes (units per CPU ns):") : null;
        double[] rates = new double[probes.size()];
        for (int i = 0; i < rates.length; i++) {
            var probe = probes.get(i).request();
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
        return compiled(probes, rates);
    }

    /**
     * The probes' rates (units/ns, in {@code probes}' order) are those of compiled kernels: each at
     * least {@link WorkerWarmup#COMPILED_UNITS_PER_NANO}, and at least its share of the rate of the
     * first probe of the kind it names (when that kind has one).
     */
    static boolean compiled(List<Probe> probes, double[] rates) {
        for (int i = 0; i < rates.length; i++) {
            if (rates[i] < WorkerWarmup.COMPILED_UNITS_PER_NANO) {
                return false;
            }
        }
        for (int i = 0; i < rates.length; i++) {
            String against = probes.get(i).against();
            for (int j = 0; against != null && j < rates.length; j++) {
                if (probes.get(j).request().type().equals(against)) {
                    if (rates[i] < probes.get(i).share() * rates[j]) {
                        return false;
                    }
                    break;
                }
            }
        }
        return true;
    }
}
