package io.forkpool.worker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        this.java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.classPath = System.getProperty("java.class.path");
        this.fatJar = isBootFatJar(classPath);
    }

    /** A worker for slot {@code id}: the one {@link EarlyWorkers} forked for it, else a new one. */
    Process start(int id) throws IOException {
        var command = command(id);
        Process early = EarlyWorkers.adopt(id, command);
        return early != null ? early : new ProcessBuilder(command).start();
    }

    List<String> command(int id) {
        var command = new ArrayList<String>();
        command.add(java);
        command.add("-Xmx" + settings.heap());
        command.add("-XX:+UseSerialGC");
        command.add("-XX:-UsePerfData");
        command.add("-Dforkpool.worker.id=" + id);
        command.add("-Dforkpool.worker.warmup-ms=" + settings.warmup().toMillis());
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
        // (Warmup) a worker is warm in ~1.4 s instead of ~1.7-2.8 s on a loaded 2-core machine,
        // as the one C2 compiler thread gets the kernels sooner (docs/benchmarks.md).
        command.add("-XX:CompileCommand=quiet");
        command.add("-XX:CompileCommand=CompileThresholdScaling,io.forkpool.kind.*::*,0.05");
        command.addAll(settings.jvmOptions().stream().filter(o -> !o.isBlank()).toList());
        // The pi, dice and projectile kernels use the incubating Vector API.
        command.add("--add-modules=jdk.incubator.vector");
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
        if (classPath == null || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")
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
