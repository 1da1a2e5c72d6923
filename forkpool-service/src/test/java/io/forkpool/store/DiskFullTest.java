package io.forkpool.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.ShardQueue;
import io.forkpool.dispatch.ShardTask;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobSettings;
import io.forkpool.job.JobStatus;
import io.forkpool.job.TimelineSettings;
import io.forkpool.kind.TestJobs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The data folder on a small tmpfs that fills up (mounted here: the tests run as root, in CI
 * too): a new job is refused with the cause, nothing accepted is lost, a shard's partial waits
 * for room, and everything goes on by itself once space frees.
 */
class DiskFullTest {

    @TempDir
    Path parent;

    private Path disk;
    private DurableJobStore store;

    @BeforeEach
    void mount() throws Exception {
        disk = parent.resolve("disk");
        Files.createDirectories(disk);
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        if (store != null) {
            store.close();
        }
        run("umount", "-l", disk.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("%s (the test needs root to mount a tmpfs): %s", String.join(" ", command), out)
                .isZero();
    }

    /** Writes zeros until the disk refuses; returns the file. */
    private Path fill() throws IOException {
        Path filler = disk.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            // No space left on device: what this test wants
        }
        return filler;
    }

    @Test
    void aFullDiskRefusesNewJobsWithTheCauseKeepsTheAcceptedAndRecoversWhenSpaceFrees() throws Exception {
        var shards = new ShardQueue();
        store = DurableJobStore.open(
                new StoreSettings(disk.resolve("data"), 2),
                new JobSettings(Duration.ofHours(1), 1000, Duration.ofSeconds(1)),
                new TimelineSettings(2000, 200_000),
                shards,
                TestJobs.binder(),
                JsonMapper.builder().build());
        var accepted = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            accepted.add(store.submit(UUID.randomUUID().toString(), TestJobs.pi(1000L, (long) i), null, 100)
                    .id());
        }
        Path filler = fill();

        assertThatThrownBy(() -> {
                    // the log may still have room for a page or two: fill it with jobs until it refuses
                    for (int i = 0; i < 10_000; i++) {
                        accepted.add(
                                store.submit(UUID.randomUUID().toString(), TestJobs.pi(1000L, 100L + i), null, 100_000)
                                        .id());
                    }
                })
                .isInstanceOfSatisfying(JobRejectedException.Full.class, e -> {
                    assertThat(e.reason()).isEqualTo("store_unavailable");
                    assertThat(e.getMessage()).contains("full");
                });
        // a shard answered while the disk is full: its partial waits for room, not counted yet
        ShardTask task = shards.poll();
        task.sink().dispatched();
        task.sink().shardDone(task.shard(), task.sink().request().computeEncoded(task.shard()), 10);
        String waiting = task.sink().jobId();
        await("the partial refused for now")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> store.refusal() != null);
        assertThat(store.find(waiting).orElseThrow().shardsDone()).isZero();
        for (String id : accepted) {
            assertThat(store.find(id)).as("accepted job %s", id).isPresent();
        }

        Files.delete(filler);
        await("the partial saved and counted once space is free")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> store.find(waiting).orElseThrow().status() == JobStatus.SUCCEEDED);
        var after = store.submit(UUID.randomUUID().toString(), TestJobs.pi(1000L, 9L), null, 100_000);
        assertThat(after.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(store.refusal()).isNull();
        for (String id : accepted) {
            assertThat(store.find(id)).as("accepted job %s", id).isPresent();
        }
    }
}
