package io.forkpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.worker.protocol.FrameCodec;
import io.forkpool.worker.protocol.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A worker has the kernel kill it when the thread that forked it ends (PR_SET_PDEATHSIG follows
 * the thread, not the process), so workers are forked on one thread that lives as long as the
 * JVM, never on the thread that asked for them.
 */
class ForkThreadTest {

    @Test
    void aWorkerOutlivesTheThreadThatAskedForIt() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        var launcher = new WorkerLauncher(EarlyWorkersTest.settings("64m"));
        var started = new AtomicReference<Process>();
        var hello = new AtomicReference<Message>();
        Thread caller = Thread.ofPlatform().name("short-lived").start(() -> {
            try {
                Process process = launcher.start(0, false);
                started.set(process);
                // a worker says hello after it armed the signal: the thread ends with it armed
                hello.set(FrameCodec.read(process.getInputStream()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        caller.join(Duration.ofSeconds(30));
        Process worker = started.get();
        assertThat(worker).as("worker started").isNotNull();
        try {
            assertThat(hello.get()).isInstanceOf(Message.Hello.class);
            assertThat(caller.isAlive()).isFalse();
            // the OS thread ends a little after join returns; the signal would follow at once
            await("worker alive after the caller's thread ended")
                    .during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(worker::isAlive);
            worker.getOutputStream().close();
            assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(worker.exitValue())
                    .as("exit code: 0 at the end of its stdin, 137 killed")
                    .isZero();
        } finally {
            worker.destroyForcibly();
        }
    }
}
