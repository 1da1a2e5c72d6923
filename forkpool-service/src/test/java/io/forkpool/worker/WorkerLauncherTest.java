package io.forkpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerLauncherTest {

    static final WorkerSettings DEFAULTS = new WorkerSettings(0, "64m", Duration.ofSeconds(30), Duration.ofSeconds(1),
            "io.forkpool.worker.child.WorkerMain", List.of(), Duration.ofMillis(100), Duration.ofSeconds(10));

    /**
     * The image trains the workers' AOT cache with a worker started by docker/aot-train.sh, not by
     * the service: it must pass the JVM flags the service passes (a cache made with other module
     * options is refused), and the flags that keep the worker's stdout for frames.
     */
    @Test
    void theImageTrainsTheWorkerCacheWithTheFlagsTheServiceGivesItsWorkers() throws Exception {
        String script = Files.readString(io.forkpool.ops.ProjectFiles.file("docker/aot-train.sh"));
        List<String> flags = new WorkerLauncher(DEFAULTS).command(0).stream()
                .filter(a -> a.startsWith("-X") || a.startsWith("--add-modules")).toList();
        assertThat(flags).contains("-Xmx64m", "-XX:+UseSerialGC", "--add-modules=jdk.incubator.vector",
                "-XX:+DisplayVMOutputToStderr", "-Xlog:disable");
        assertThat(flags).allSatisfy(flag -> assertThat(script).contains(flag));
    }

    @Test
    void optionsFromTheSettingsComeAfterTheLaunchersOwnSoTheyCanOverrideThem() {
        var settings = new WorkerSettings(1, "96m", Duration.ofSeconds(30), Duration.ZERO,
                "io.forkpool.worker.child.WorkerMain", List.of("-XX:TieredStopAtLevel=4", " "),
                Duration.ofMillis(100), Duration.ofSeconds(10));
        List<String> command = new WorkerLauncher(settings).command(3);
        assertThat(command).contains("-Xmx96m", "-Dforkpool.worker.id=3", "-Dforkpool.worker.warmup-ms=0")
                .doesNotContain(" ");
        assertThat(command.indexOf("-XX:TieredStopAtLevel=4")).isGreaterThan(command.indexOf("-Xlog:disable"))
                .isGreaterThan(command.indexOf("-XX:CompileCommand=quiet"));
        assertThat(command.getLast()).isEqualTo("io.forkpool.worker.child.WorkerMain");
    }
}
