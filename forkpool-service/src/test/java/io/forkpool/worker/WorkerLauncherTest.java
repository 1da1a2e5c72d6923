package io.forkpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerLauncherTest {

    static final WorkerSettings DEFAULTS = new WorkerSettings(
            0,
            "64m",
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            "io.forkpool.worker.child.WorkerMain",
            List.of(),
            Duration.ofMillis(100),
            Duration.ofSeconds(10));

    /**
     * The image trains the workers' AOT cache with a worker started by docker/aot-train.sh, not by
     * the service: it must pass the JVM flags the service passes (a cache made with other module
     * options is refused), and the flags that keep the worker's stdout for frames.
     */
    @Test
    void theImageTrainsTheWorkerCacheWithTheFlagsTheServiceGivesItsWorkers() throws Exception {
        String script = Files.readString(io.forkpool.ops.ProjectFiles.file("docker/aot-train.sh"));
        List<String> flags = new WorkerLauncher(DEFAULTS)
                .command(0).stream()
                        .filter(a -> a.startsWith("-X") || a.startsWith("--"))
                        .toList();
        assertThat(flags)
                .contains(
                        "-Xmx64m",
                        "-XX:+UseSerialGC",
                        "--add-modules=jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED",
                        "-XX:+DisplayVMOutputToStderr",
                        "-Xlog:disable");
        assertThat(flags).allSatisfy(flag -> assertThat(script).contains(flag));
    }

    @Test
    void optionsFromTheSettingsComeAfterTheLaunchersOwnSoTheyCanOverrideThem() {
        var settings = new WorkerSettings(
                1,
                "96m",
                Duration.ofSeconds(30),
                Duration.ZERO,
                "io.forkpool.worker.child.WorkerMain",
                List.of("-XX:TieredStopAtLevel=4", " "),
                Duration.ofMillis(100),
                Duration.ofSeconds(10));
        List<String> command = new WorkerLauncher(settings).command(3);
        assertThat(command)
                .contains("-Xmx96m", "-Dforkpool.worker.id=3", "-Dforkpool.worker.warmup-ms=0")
                .doesNotContain(" ");
        assertThat(command.indexOf("-XX:TieredStopAtLevel=4"))
                .isGreaterThan(command.indexOf("-Xlog:disable"))
                .isGreaterThan(command.indexOf("-XX:CompileCommand=quiet"));
        assertThat(command.getLast()).isEqualTo("io.forkpool.worker.child.WorkerMain");
    }

    /**
     * A spare warms at idle priority: the launcher's prefix (chrt --idle, else nice -n 19) puts the
     * whole process there, and raise() sets every thread back where the OS allows (here: root).
     */
    @Test
    void aSpareRunsAtIdlePriorityAndIsRaisedBackWhereAllowed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        var priority = WorkerLauncher.Priority.idle();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                priority != WorkerLauncher.Priority.NORMAL, "neither chrt --idle nor nice works here");
        var settings = new WorkerSettings(
                1,
                "64m",
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                "io.forkpool.worker.child.WorkerMain",
                List.of(),
                Duration.ofMillis(100),
                Duration.ofSeconds(10),
                1);
        assertThat(new WorkerLauncher(settings).sparePriority()).isEqualTo(priority);
        var normal = new WorkerSettings(
                1,
                "64m",
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                "io.forkpool.worker.child.WorkerMain",
                List.of(),
                Duration.ofMillis(100),
                Duration.ofSeconds(10),
                1,
                WorkerSettings.SparePriority.NORMAL,
                false);
        assertThat(new WorkerLauncher(normal).sparePriority()).isEqualTo(WorkerLauncher.Priority.NORMAL);

        var command = new java.util.ArrayList<>(priority.prefix());
        command.addAll(List.of("sleep", "30"));
        var process = new ProcessBuilder(command).start();
        try {
            Path comm = Path.of("/proc/" + process.pid() + "/comm");
            // chrt or nice execs sleep: its priority is the one to read
            org.awaitility.Awaitility.await("sleep exec'd")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> Files.readString(comm).trim().equals("sleep"));
            assertThat(idle(process.pid())).as("policy SCHED_IDLE or nice 19").isTrue();
            boolean root = "0"
                    .equals(new String(new ProcessBuilder("id", "-u")
                                    .start()
                                    .getInputStream()
                                    .readAllBytes())
                            .trim());
            boolean raised = priority.raise(process.pid());
            if (root) {
                assertThat(raised).isTrue();
            }
            if (raised) {
                assertThat(idle(process.pid())).isFalse();
            }
        } finally {
            process.destroyForcibly();
        }
    }

    /** SCHED_IDLE (policy 5) or a nice value above 0, from /proc/<pid>/stat (fields 19 and 41). */
    private static boolean idle(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[38]) == 5 || Integer.parseInt(f[16]) > 0;
    }
}
