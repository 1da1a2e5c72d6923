package io.forkpool.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.worker.Worker;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The dispatcher with real worker processes: results must not depend on the pool. */
class DispatcherTest {

    static final List<JobRequest> JOBS = List.of(
            TestJobs.pi(60_000_000L, 11L),
            TestJobs.dice(30_000_000L, 6, 12L),
            TestJobs.projectile(5_000_000L, null, null, null, null, null, null, 13L),
            TestJobs.sine(30.0, 100),
            TestJobs.smallestMultiple(3_000_000L, 7L, null, null, 14L));

    static Dispatcher dispatcher(int workers) {
        return dispatcher(workers, List.of());
    }

    static Dispatcher dispatcher(int workers, List<String> jvmOptions) {
        var settings = new WorkerSettings(
                workers,
                "64m",
                Duration.ofSeconds(30),
                Duration.ZERO,
                "io.forkpool.worker.child.WorkerMain",
                jvmOptions,
                Duration.ofMillis(100),
                Duration.ofSeconds(1));
        var metrics = new ForkpoolMetrics(new SimpleMeterRegistry());
        return new Dispatcher(
                new WorkerPool<>(settings, metrics), new ShardSettings(Duration.ofSeconds(30), 3), metrics);
    }

    static List<Object> runAll(Dispatcher dispatcher) throws Exception {
        var works = JOBS.stream().map(RecordingWork::new).toList();
        works.forEach(dispatcher::submit); // all at once: their shards interleave
        var results = new ArrayList<Object>();
        for (var work : works) {
            results.add(work.result.get(60, TimeUnit.SECONDS));
            assertThat(work.answers()).isEqualTo(work.request().shardCount());
        }
        return results;
    }

    @Test
    void sameJobsGiveIdenticalPartialsOnOneAndOnThreeWorkers() throws Exception {
        List<Object> one;
        var single = dispatcher(1);
        single.start();
        try {
            assertThat(single.workers()).hasSize(1);
            one = runAll(single);
        } finally {
            single.stop();
        }
        var triple = dispatcher(3);
        triple.start();
        try {
            assertThat(triple.workers()).hasSize(3).extracting(Worker::pid).doesNotHaveDuplicates();
            List<Object> three = runAll(triple);
            assertThat(three).isEqualTo(one);
            assertThat(triple.workers())
                    .allSatisfy(w -> assertThat(w.shardsCompleted())
                            .as("every worker took part")
                            .isPositive());
        } finally {
            triple.stop();
        }
        // And the pool's answer is the kernel's own: one shard after another in this JVM.
        for (int i = 0; i < JOBS.size(); i++) {
            var job = JOBS.get(i);
            Object local = TestJobs.reference(job);
            assertThat(one.get(i)).as(job.type()).isEqualTo(local);
        }
    }

    @Test
    void stoppingThePoolEndsEveryWorkerProcess() throws Exception {
        var dispatcher = dispatcher(2);
        dispatcher.start();
        var pids = dispatcher.workers().stream().map(Worker::pid).toList();
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());
        dispatcher.stop();
        for (long pid : pids) {
            var handle = ProcessHandle.of(pid);
            if (handle.isPresent()) {
                handle.get().onExit().get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(pids)
                .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                        .isNotEqualTo(java.util.Optional.of(true)));
    }

    /**
     * The worker's stdout is its frame channel, and a JVM writes its own warnings and errors to
     * stdout unless told otherwise: an AOT cache it cannot map (here: a missing file) makes it
     * print "[0.0s][error][aot] ..." before main runs. That text must not reach the frames.
     */
    @Test
    void aWorkerJvmThatLogsAtStartUpStillShakesHandsAndComputes(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var dispatcher = dispatcher(1, List.of("-XX:AOTCache=" + dir.resolve("missing.aot")));
        dispatcher.start();
        try {
            assertThat(dispatcher.workers())
                    .singleElement()
                    .satisfies(w -> assertThat(w.state()).isEqualTo(Worker.State.IDLE));
            var job = TestJobs.pi(3_000_000L, 21L);
            var work = new RecordingWork(job);
            dispatcher.submit(work);
            Object local = TestJobs.reference(job);
            assertThat(work.result.get(30, TimeUnit.SECONDS)).isEqualTo(local);
        } finally {
            dispatcher.stop();
        }
    }
}
