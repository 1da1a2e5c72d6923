package io.forkpool.worker;

import io.forkpool.worker.child.WorkerMain;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * Builds the command line of a worker JVM: this JVM's own {@code java} and class path, so a
 * worker runs exactly the code the service runs. Inside a Spring Boot fat jar the classes sit
 * under BOOT-INF/, so there the worker starts through Boot's PropertiesLauncher with
 * {@code loader.main} naming the worker's entry point. The worker's stdout is its frame channel,
 * so the JVM's own log output is sent to stderr; options in {@code forkpool.workers.jvm-options}
 * must not write to stdout either (e.g. {@code -Xlog:gc} without {@code :stderr}).
 */
final class WorkerLauncher {

    static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    private final WorkerSettings settings;
    private final String java;
    private final String classPath;
    private final boolean fatJar;
    private final Path kindsDir;

    WorkerLauncher(WorkerSettings settings) {
        this(settings, null);
    }

    /** {@code kindsDir}: {@code forkpool.kinds.dir}, the kind jars every worker loads (null: none). */
    WorkerLauncher(WorkerSettings settings, Path kindsDir) {
        this.settings = settings;
        this.kindsDir = kindsDir;
        this.java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.classPath = System.getProperty("java.class.path");
        this.fatJar = isBootFatJar(classPath);
    }

    /** A worker for slot {@code id}: the one {@link EarlyWorkers} forked for it, else a new one. */
    Process start(int id) throws IOException {
        return start(id, true);
    }

    /** As {@link #start(int)}; {@code warm} false: without warm-up (see {@link WorkerPool}'s cold workers). */
    Process start(int id, boolean warm) throws IOException {
        var command = command(id, warm);
        Process early = warm ? EarlyWorkers.adopt(id, command) : null;
        return early != null ? early : ForkThread.start(command);
    }

    /** A spare: the worker's command, at idle CPU priority unless the settings say normal ({@link #sparePriority}). */
    Process startSpare(boolean warm) throws IOException {
        var command = new ArrayList<>(sparePriority().prefix());
        command.addAll(command(Worker.SPARE, warm));
        return ForkThread.start(command);
    }

    /** How a spare is started: at idle priority if the settings ask for it and this machine has a way. */
    Priority sparePriority() {
        return settings.sparePriority() == WorkerSettings.SparePriority.IDLE ? Priority.idle() : Priority.NORMAL;
    }

    /**
     * A way to run a process at idle CPU priority and to set it back to normal: {@code chrt --idle 0}
     * (Linux SCHED_IDLE: only CPU time no other thread wants; util-linux) or {@code nice -n 19}
     * (coreutils), whichever works here first, else none. Inherited by every thread of the JVM.
     * Back to normal needs root or CAP_SYS_NICE; without them the process keeps its idle priority.
     */
    enum Priority {
        SCHED_IDLE(List.of("chrt", "--idle", "0")),
        NICE(List.of("nice", "-n", "19")),
        NORMAL(List.of());

        private final List<String> prefix;

        Priority(List<String> prefix) {
            this.prefix = prefix;
        }

        List<String> prefix() {
            return prefix;
        }

        private static volatile Priority idle;

        /** The first of chrt --idle and nice that runs a process here (tried once: ~2 ms), else NORMAL. */
        static Priority idle() {
            Priority found = idle;
            if (found == null) {
                found = NORMAL;
                for (var p : List.of(SCHED_IDLE, NICE)) {
                    var probe = new ArrayList<>(p.prefix);
                    probe.add("true");
                    if (runs(probe)) {
                        found = p;
                        break;
                    }
                }
                idle = found;
            }
            return found;
        }

        /**
         * Sets every thread of {@code pid} back to normal priority; false if that is not allowed
         * here (no CAP_SYS_NICE) or failed.
         */
        boolean raise(long pid) {
            return switch (this) {
                case NORMAL -> true;
                case SCHED_IDLE -> runs(List.of("chrt", "--other", "--all-tasks", "--pid", "0", Long.toString(pid)));
                case NICE -> {
                    var command = new ArrayList<>(List.of("renice", "-n", "0", "-p"));
                    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                        tasks.forEach(task -> command.add(task.getFileName().toString()));
                    } catch (IOException | UncheckedIOException e) {
                        yield false;
                    }
                    yield runs(command);
                }
            };
        }

        private static boolean runs(List<String> command) {
            try {
                var process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                return process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    List<String> command(int id) {
        return command(id, true);
    }

    private List<String> command(int id, boolean warm) {
        var command = new ArrayList<String>();
        command.add(java);
        command.add("-Xmx" + settings.heap());
        command.add("-XX:+UseSerialGC");
        command.add("-XX:-UsePerfData");
        command.add("-Dforkpool.worker.id=" + id);
        command.add("-Dforkpool.worker.warmup-ms=" + (warm ? settings.warmup().toMillis() : 0));
        // the child checks it is still this JVM's once the kernel is to kill it with us (ParentDeath)
        command.add("-D" + WorkerMain.PARENT_PID + "=" + ProcessHandle.current().pid());
        if (kindsDir != null) {
            command.add("-Dforkpool.kinds.dir=" + kindsDir.toAbsolutePath());
        }
        // stdout carries the frames; the JVM's own warnings and errors (unified logging writes
        // them to stdout by default, e.g. about an AOT cache it cannot use) go to stderr, and so
        // does its other console output (e.g. the echo of a -XX:CompileCommand).
        command.add("-Xlog:disable");
        command.add("-Xlog:all=warning:stderr:uptime,level,tags");
        command.add("-XX:+DisplayVMOutputToStderr");
        // The kernels reach C2 after 5% of the usual call counts: with the warm-up's calls
        // (KernelWarmup) a worker is warm in ~1.4 s instead of ~1.7-2.8 s on a loaded 2-core machine,
        // as the one C2 compiler thread gets the kernels sooner (docs/benchmarks.md).
        command.add("-XX:CompileCommand=quiet");
        command.add("-XX:CompileCommand=CompileThresholdScaling,io.forkpool.kind.*::*,0.05");
        // ...but not their loops' on-stack-replacement compiles: scaled the same way, C2 compiled
        // 4-11 OSR versions of the kernels' loops (packed dice 3 times) in each warm-up before or
        // instead of the whole methods, the one C2 thread busy with code that runs dice at 0.5 G/s
        // instead of 11 (docs/benchmarks.md). 20x the default back-edge threshold of C2's OSR
        // makes the scaled one the default again; elsewhere C1's OSR code runs a few ms longer.
        command.add("-XX:Tier4BackEdgeThreshold=800000");
        command.addAll(settings.jvmOptions().stream().filter(o -> !o.isBlank()).toList());
        // The pi, dice and projectile kernels use the incubating Vector API.
        command.add("--add-modules=jdk.incubator.vector");
        // The child calls prctl through the FFM API (ParentDeath): no warning about it on stderr.
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(classPath);
        if (fatJar) {
            command.add("-Dloader.main=" + settings.mainClass());
            command.add(BOOT_LAUNCHER);
        } else {
            command.add(settings.mainClass());
        }
        return command;
    }

    private static boolean isBootFatJar(String classPath) {
        if (classPath == null
                || classPath.contains(File.pathSeparator)
                || !classPath.endsWith(".jar")
                || !Files.isRegularFile(Path.of(classPath))) {
            return false;
        }
        try (var jar = new JarFile(classPath)) {
            var manifest = jar.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Start-Class") != null;
        } catch (IOException e) {
            return false;
        }
    }
}
