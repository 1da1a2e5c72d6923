package io.forkpool.worker.child;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.worker.WorkerCommands;
import io.forkpool.worker.WorkerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ParentDeathTest {

    /**
     * The service died between the fork and the worker's prctl: the kernel will never signal a
     * worker handed on to another parent, so it sees that it is not the given parent's and stops.
     */
    @Test
    void aWorkerWhoseParentIsNotTheServiceThatForkedItStopsAtOnce() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        var settings = new WorkerSettings(
                1,
                "64m",
                Duration.ofSeconds(30),
                Duration.ZERO,
                WorkerMain.class.getName(),
                List.of(),
                Duration.ofMillis(100),
                Duration.ofSeconds(10));
        var command = new ArrayList<>(WorkerCommands.of(settings, 0, System.getProperty("java.class.path")));
        String ours =
                "-D" + WorkerMain.PARENT_PID + "=" + ProcessHandle.current().pid();
        assertThat(command).contains(ours);
        command.set(
                command.indexOf(ours),
                "-D" + WorkerMain.PARENT_PID + "=" + (ProcessHandle.current().pid() + 1));

        Process worker = new ProcessBuilder(command).start();
        try {
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(worker.exitValue()).isEqualTo(WorkerMain.EXIT_PARENT_GONE);
            assertThat(worker.getInputStream().readAllBytes()).as("no hello").isEmpty();
            assertThat(new String(worker.getErrorStream().readAllBytes()))
                    .contains("exited before this worker started")
                    .doesNotContain("restricted method"); // --enable-native-access: no warning about the FFM call
        } finally {
            worker.destroyForcibly();
        }
    }
}
