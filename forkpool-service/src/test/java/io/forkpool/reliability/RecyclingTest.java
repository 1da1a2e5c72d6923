package io.forkpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.Dispatcher;
import io.forkpool.dispatch.RecordingWork;
import io.forkpool.dispatch.ShardSettings;
import io.forkpool.dispatch.ShardTask;
import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.worker.Worker;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Workers are recycled, not leaked: after thousands of tiny jobs and a few SIGKILLed workers, the
 * worker processes of this JVM are exactly the pool, and the JVM holds no more file descriptors
 * (three pipes per worker) or threads (two readers per worker) than after warm-up.
 */
class RecyclingTest {

    private static final int POOL = 2;
    private static final int WARMUP_JOBS = 300;
    private static final int JOBS = 2000;
    private static final int KILLS = 10;
    /** Slack for the JVM's own churn (JIT, reaper threads, other tests' pools); below one fd or thread per kill. */
    private static final int FD_SLACK = 5;

    private static final int THREAD_SLACK = 4;

    /** Tiny one-shard jobs of every kind; their reference is the kernel run in this JVM. */
    private static final List<JobRequest> KINDS = List.of(
            TestJobs.pi(2_000L, 1L),
            TestJobs.dice(2_000L, 6, 2L),
            TestJobs.projectile(1_000L, null, null, null, null, null, null, 3L),
            TestJobs.sine(2.5, 5),
            TestJobs.smallestMultiple(2_000L, 7L, null, null, 4L),
            TestJobs.pi(3_000L, 5L),
            TestJobs.dice(3_000L, 20, 6L));

    private static final List<Object> REFERENCES =
            KINDS.stream().map(RecyclingTest::reference).toList();

    /** Marks this test's workers on their command line, apart from any other pool in this JVM. */
    private final String marker = "-Dforkpool.test.pool=" + UUID.randomUUID();

    private final Set<Long> killed = new HashSet<>();

    @Test
    void afterThousandsOfJobsAndKilledWorkersTheProcessesFdsAndThreadsAreThePool() throws Exception {
        var settings = new WorkerSettings(
                POOL,
                "64m",
                Duration.ofSeconds(30),
                Duration.ZERO,
                "io.forkpool.worker.child.WorkerMain",
                List.of(marker),
                Duration.ofMillis(50),
                Duration.ofSeconds(1));
        var metrics = new ForkpoolMetrics(new SimpleMeterRegistry());
        var dispatcher = new Dispatcher(
                new WorkerPool<ShardTask>(settings, metrics), new ShardSettings(Duration.ofSeconds(30), 5), metrics);
        dispatcher.start();
        try {
            // warm-up, with one kill, so reaper threads and the like exist before the baseline
            run(dispatcher, WARMUP_JOBS, 1);
            awaitWholePool(dispatcher);
            settle();
            long fdsBefore = openFds();
            int threadsBefore = liveThreads();
            assertThat(ourWorkers()).as("our worker processes after warm-up").hasSize(POOL);

            long t0 = System.nanoTime();
            run(dispatcher, JOBS, KILLS);
            long runMillis = (System.nanoTime() - t0) / 1_000_000;
            awaitWholePool(dispatcher);

            List<Long> poolPids = dispatcher.workers().stream().map(Worker::pid).toList();
            assertThat(poolPids).doesNotContainAnyElementsOf(killed);
            assertThat(killed)
                    .as("workers killed")
                    .hasSize(1 + KILLS)
                    .allSatisfy(pid ->
                            assertThat(alive(pid)).as("killed worker %d", pid).isFalse());
            // live children of this JVM that are this pool's workers: exactly the pool
            assertThat(ourWorkers())
                    .as("live worker processes of this pool")
                    .containsExactlyInAnyOrderElementsOf(poolPids);

            long fdsAfter = awaitAtMost(
                    "open fds after " + JOBS + " jobs vs after warm-up", RecyclingTest::openFds, fdsBefore + FD_SLACK);
            long threadsAfter = awaitAtMost(
                    "live threads after " + JOBS + " jobs vs after warm-up",
                    RecyclingTest::liveThreads,
                    threadsBefore + THREAD_SLACK);
            System.out.printf(
                    "RECYCLING: %d jobs with %d worker kills in %d ms; fds %d -> %d, threads %d -> %d, "
                            + "worker processes %d%n",
                    JOBS,
                    KILLS,
                    runMillis,
                    fdsBefore,
                    fdsAfter,
                    threadsBefore,
                    threadsAfter,
                    ourWorkers().size());
            assertThat(fdsAfter)
                    .as("open fds after %d jobs vs after warm-up", JOBS)
                    .isLessThanOrEqualTo(fdsBefore + FD_SLACK);
            assertThat(threadsAfter)
                    .as("live threads after %d jobs vs after warm-up", JOBS)
                    .isLessThanOrEqualTo(threadsBefore + THREAD_SLACK);
        } finally {
            dispatcher.stop();
        }
        await("worker processes gone after the pool stopped")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(ourWorkers()).isEmpty());
    }

    /** Runs {@code jobs} jobs, 64 in flight at a time, killing a worker {@code kills} times along the way. */
    private void run(Dispatcher dispatcher, int jobs, int kills) throws Exception {
        int batch = 64;
        int batches = Math.ceilDiv(jobs, batch);
        int killEvery = Math.max(1, batches / (kills + 1));
        int done = 0;
        int killsDone = 0;
        for (int b = 0; b < batches; b++) {
            var works = new ArrayList<RecordingWork>();
            var indexes = new ArrayList<Integer>();
            for (int i = 0; i < batch && done + i < jobs; i++) {
                int k = (done + i) % KINDS.size();
                var work = new RecordingWork(KINDS.get(k));
                works.add(work);
                indexes.add(k);
                dispatcher.submit(work);
            }
            if (killsDone < kills && b > 0 && b % killEvery == 0) {
                killAWorker(dispatcher);
                killsDone++;
            }
            for (int i = 0; i < works.size(); i++) {
                var work = works.get(i);
                assertThat(work.result.get(60, TimeUnit.SECONDS))
                        .as("job %d (%s)", done + i, work.request())
                        .isEqualTo(REFERENCES.get(indexes.get(i)));
                assertThat(work.failure).isNotDone();
            }
            done += works.size();
        }
        while (killsDone < kills) { // never for these sizes; keeps the count honest if they change
            killAWorker(dispatcher);
            killsDone++;
            awaitWholePool(dispatcher);
        }
    }

    /** SIGKILLs a worker that holds a shard if there is one, else any live one. */
    private void killAWorker(Dispatcher dispatcher) {
        Worker victim = await("a live worker to kill")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> victim(dispatcher), java.util.Objects::nonNull);
        killed.add(victim.pid());
        ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }

    private Worker victim(Dispatcher dispatcher) {
        Worker victim = null;
        for (Worker w : dispatcher.workers()) {
            boolean live = w.state() == Worker.State.IDLE || w.state() == Worker.State.BUSY;
            if (live && !killed.contains(w.pid()) && (victim == null || w.inFlight() != null)) {
                victim = w;
            }
        }
        return victim;
    }

    private static void awaitWholePool(Dispatcher dispatcher) {
        await("pool whole and idle")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(dispatcher.workers())
                        .as("%s", dispatcher.workers())
                        .hasSize(POOL)
                        .allSatisfy(w -> assertThat(w.state()).isEqualTo(Worker.State.IDLE)));
    }

    /** Pids of live children of this JVM started with this test's marker. */
    private List<Long> ourWorkers() {
        return ProcessHandle.current()
                .children()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info()
                                .arguments()
                                .map(a -> List.of(a).contains(marker))
                                .orElse(false)
                        || p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .map(ProcessHandle::pid)
                .toList();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static long openFds() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new IllegalStateException("needs /proc (Linux)", e);
        }
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Polls (bounded, 10 s) until the value is at most {@code bound}: dead workers' pipes and threads go away soon after. */
    private static long awaitAtMost(String what, LongSupplier value, long bound) {
        await(what)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    System.gc(); // unreachable streams of dead processes are closed by now; this only helps stragglers
                    assertThat(value.getAsLong()).as(what).isLessThanOrEqualTo(bound);
                });
        return value.getAsLong();
    }

    /** The baseline: waits (bounded, 10 s) until open fds and live threads hold still for half a second. */
    private static void settle() {
        System.gc();
        var last = new long[] {-1, -1};
        var still = new int[1];
        await("fds and threads holding still")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long fds = openFds();
                    long threads = liveThreads();
                    still[0] = fds == last[0] && threads == last[1] ? still[0] + 1 : 0;
                    last[0] = fds;
                    last[1] = threads;
                    return still[0] >= 5;
                });
    }

    static Object reference(JobRequest job) {
        return TestJobs.reference(job);
    }
}
