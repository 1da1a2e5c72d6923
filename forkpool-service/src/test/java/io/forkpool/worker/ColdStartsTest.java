package io.forkpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.worker.protocol.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The pool's policies that need no worker JVM: warm-up after cold exits, and the restart back-off. */
class ColdStartsTest {

    /** A worker whose process exited with {@code code} before any hello. */
    private static Worker<Void> exited(int code) throws Exception {
        var process = new ProcessBuilder("sh", "-c", "exit " + code).start();
        process.waitFor();
        return new Worker<>(0, 0, process);
    }

    @Test
    void twoColdExitsInARowStopTheWarmUpAndAWarmHelloRestoresIt() throws Exception {
        var cold = new ColdStarts();
        assertThat(cold.warmUp()).isTrue();
        cold.lost(exited(1)); // a crash is not a cold exit
        cold.lost(exited(Message.EXIT_COLD));
        assertThat(cold.warmUp()).as("one cold exit is a rare JIT outcome").isTrue();
        cold.lost(exited(Message.EXIT_COLD));
        assertThat(cold.warmUp())
                .as("two in a row: this JVM's kernels never get fast")
                .isFalse();
        cold.helloAfter(false);
        assertThat(cold.warmUp())
                .as("a worker that skipped the warm-up proves nothing")
                .isFalse();
        cold.helloAfter(true);
        assertThat(cold.warmUp()).isTrue();
    }

    @Test
    void theRestartBackOffDoublesFromItsFirstDelayUpToItsMaximumAndNeverGivesUp() throws IOException {
        var settings = new WorkerSettings(
                1,
                "64m",
                Duration.ofSeconds(30),
                Duration.ZERO,
                "io.forkpool.worker.child.WorkerMain",
                List.of(),
                Duration.ofMillis(100),
                Duration.ofMillis(1000));
        var execution = WorkerPool.restartBackOff(settings).start();
        var delays = LongStream.range(0, 40).map(i -> execution.nextBackOff()).toArray();
        assertThat(delays).startsWith(100, 200, 400, 800, 1000, 1000);
        assertThat(delays).as("no tries limit: a slot keeps trying").containsOnly(100, 200, 400, 800, 1000);
    }
}
