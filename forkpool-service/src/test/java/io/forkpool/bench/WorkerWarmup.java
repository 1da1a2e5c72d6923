package io.forkpool.bench;

import io.forkpool.kind.DiceKind;
import io.forkpool.kind.DiceRequest;
import io.forkpool.kind.PiKind;
import io.forkpool.kind.PiRequest;
import io.forkpool.kind.ProjectileKind;
import io.forkpool.kind.ProjectileRequest;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.RequestFields;
import io.forkpool.worker.WorkerCommands;
import io.forkpool.worker.WorkerSettings;
import io.forkpool.worker.protocol.FrameCodec;
import io.forkpool.worker.protocol.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A worker JVM's start: spawn → hello (warm-up included), the CPU the worker used up to its hello
 * (all its threads: the warm-up loop and the JIT compilers), then the speed of its first shards
 * of each vector kernel. Compares variants of extra worker JVM options in one run, interleaved.
 * The command line is the service's own (WorkerLauncher, through WorkerCommands), so the figures are
 * those of a real worker. Prints figures; asserts nothing. Run through bench/worker-warmup.sh.
 *
 * <pre>args: rounds name=options [name=options ...]   (options separated by spaces; "" for none)</pre>
 */
public final class WorkerWarmup {

    /** Shard 0 of a big job: a few ms of work each when compiled. */
    static final List<JobRequest> SHARDS = List.of(
            JobRequest.of(new PiKind(), new PiRequest(1L << 36), 1L),
            JobRequest.of(
                    new ProjectileKind(),
                    RequestFields.withDefaults(new ProjectileRequest(1L << 34, null, null, null, null, null, null)),
                    1L),
            JobRequest.of(new DiceKind(), new DiceRequest(1L << 37, 6), 1L));

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        var variants = new LinkedHashMap<String, List<String>>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            var options = args[i].substring(eq + 1).trim();
            variants.put(args[i].substring(0, eq), options.isEmpty() ? List.of() : List.of(options.split(" +")));
        }
        var hello = new LinkedHashMap<String, List<Double>>();
        var cpu = new LinkedHashMap<String, List<Double>>();
        var speed = new LinkedHashMap<String, List<double[]>>();
        for (int r = 0; r < rounds; r++) {
            for (var variant : variants.entrySet()) {
                var result = once(variant.getValue());
                hello.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(result[0]);
                cpu.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(result[1]);
                speed.computeIfAbsent(variant.getKey(), k -> new ArrayList<>())
                        .add(Arrays.copyOfRange(result, 2, result.length - 1));
                System.out.printf(
                        "round %d %-12s hello %5.0f ms  cpu %5.0f ms  first/last shard G/s:%s  (pid %d)%n",
                        r,
                        variant.getKey(),
                        result[0],
                        result[1],
                        fmt(Arrays.copyOfRange(result, 2, result.length - 1)),
                        (long) result[result.length - 1]);
            }
        }
        System.out.printf(
                "%nmedians over %d rounds, shard speeds per second of %s (load %s)%n",
                rounds,
                CPU_CLOCK ? "the worker's main-thread CPU time" : "wall time in the worker",
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf(
                "variant       hello_ms  cpu_ms   pi(1st,last)  projectile(1st,last)  dice(1st,last) G/s;"
                        + "  min over the workers of pi, projectile, dice (last of %d shards)%n",
                SHARDS_PER_KERNEL);
        for (var name : variants.keySet()) {
            var s = speed.get(name);
            double[] med = new double[s.get(0).length];
            var min = new StringBuilder();
            for (int k = 0; k < med.length; k++) {
                final int kk = k;
                med[k] = median(s.stream().map(a -> a[kk]).toList());
                if (k % 2 == 1) {
                    min.append(String.format(
                            " %5.2f", s.stream().mapToDouble(a -> a[kk]).min().orElse(0)));
                }
            }
            System.out.printf(
                    "%-12s %8.0f %7.0f  %s;  min%s%n",
                    name, median(hello.get(name)), median(cpu.get(name)), fmt(med), min);
        }
    }

    /** Shards run per kernel after the hello ({@code -Dworker.shards=N}, default 5): the first and the last are reported. */
    static final int SHARDS_PER_KERNEL = Integer.getInteger("worker.shards", 5);

    /** [hello ms, cpu ms at hello, then per kernel: first shard G/s, last shard G/s, then the worker's pid]. */
    static double[] once(List<String> options) throws Exception {
        var settings = new WorkerSettings(
                1,
                "64m",
                java.time.Duration.ofSeconds(30),
                java.time.Duration.ofMillis(Long.getLong("worker.warmup-ms", 1000)),
                "io.forkpool.worker.child.WorkerMain",
                options,
                java.time.Duration.ofMillis(100),
                java.time.Duration.ofSeconds(10));
        // -Dworker.classpath: the worker's class path (the image's app.jar), not the bench's
        List<String> command = WorkerCommands.of(
                settings, 0, System.getProperty("worker.classpath", System.getProperty("java.class.path")));
        String cpu = System.getProperty("worker.cpu"); // -Dworker.cpu=N: the worker pinned there (taskset)
        if (cpu != null) {
            command = new ArrayList<>(command);
            command.addAll(0, List.of("taskset", "-c", cpu));
        }
        long start = System.nanoTime();
        String stderrDir = System.getProperty("worker.stderr"); // -Dworker.stderr=DIR: each worker's stderr kept there
        var stderr = stderrDir == null
                ? ProcessBuilder.Redirect.DISCARD
                : ProcessBuilder.Redirect.to(Path.of(stderrDir, "worker-" + System.nanoTime() + ".err")
                        .toFile());
        var process = new ProcessBuilder(command).redirectError(stderr).start();
        var in = new BufferedInputStream(process.getInputStream());
        var out = new BufferedOutputStream(process.getOutputStream());
        var first = FrameCodec.read(in);
        double helloMs = (System.nanoTime() - start) / 1e6;
        double cpuMs = cpuMillis(process.pid());
        if (Boolean.getBoolean("worker.threads")) {
            System.out.print(threads(process.pid()));
        }
        if (!(first instanceof Message.Hello)) {
            throw new IllegalStateException("expected Hello, got " + first);
        }
        double[] result = new double[3 + 2 * SHARDS.size()];
        result[result.length - 1] = process.pid();
        result[0] = helloMs;
        result[1] = cpuMs;
        double[] cpuRates = new double[2 * SHARDS.size()];
        long ticket = 0;
        for (int k = 0; k < SHARDS.size(); k++) {
            var request = SHARDS.get(k);
            for (int i = 0; i < SHARDS_PER_KERNEL; i++) {
                long cpu0 = mainThreadCpuNanos(process.pid());
                FrameCodec.write(out, new Message.Run(++ticket, request, i));
                out.flush();
                var done = (Message.Done) FrameCodec.read(in);
                long cpuNanos = mainThreadCpuNanos(process.pid()) - cpu0;
                double gps = request.shardUnits(i) / (double) done.computeNanos();
                double cpuGps = request.shardUnits(i) / (double) cpuNanos;
                if (i == 0) {
                    result[2 + 2 * k] = gps;
                    cpuRates[2 * k] = cpuGps;
                }
                if (i == SHARDS_PER_KERNEL - 1) {
                    result[3 + 2 * k] = gps;
                    cpuRates[2 * k + 1] = cpuGps;
                }
            }
        }
        if (CPU_CLOCK) {
            System.arraycopy(cpuRates, 0, result, 2, cpuRates.length);
        }
        out.close();
        process.waitFor();
        return result;
    }

    /**
     * {@code -Dworker.clock=cpu}: shard speeds per second of the worker's main-thread CPU time
     * (/proc schedstat, ns) instead of its wall time: on a loaded machine the wall time counts the
     * time the worker waited for a core, the CPU time only the kernel's own.
     */
    static final boolean CPU_CLOCK = "cpu".equals(System.getProperty("worker.clock"));

    /** On-CPU ns of the worker's threads named "java": the launcher's (idle) and the main thread. */
    static long mainThreadCpuNanos(long pid) throws Exception {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (var task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).trim().equals("java")) {
                    sum += Long.parseLong(
                            Files.readString(task.resolve("schedstat")).split(" ")[0]);
                }
            }
        }
        return sum;
    }

    static double cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0; // utime + stime, 100 Hz ticks
    }

    /** CPU ms of the main thread and the JIT compiler threads (-Dworker.threads=true). */
    static String threads(long pid) throws Exception {
        double main = 0, c1 = 0, c2 = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (var task : tasks.toList()) {
                String name = Files.readString(task.resolve("comm")).trim();
                String stat = Files.readString(task.resolve("stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double ms = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
                if (name.equals("java")) {
                    main = Math.max(main, ms);
                } else if (name.startsWith("C2 ")) {
                    c2 += ms;
                } else if (name.startsWith("C1 ")) {
                    c1 += ms;
                }
            }
        }
        return String.format("[main %.0f C2 %.0f C1 %.0f] ", main, c2, c1);
    }

    static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static String fmt(double[] gps) {
        var b = new StringBuilder();
        for (int k = 0; k < gps.length; k += 2) {
            b.append(String.format("  %5.2f,%5.2f", gps[k], gps[k + 1]));
        }
        return b.toString();
    }
}
