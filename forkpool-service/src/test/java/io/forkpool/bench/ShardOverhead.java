package io.forkpool.bench;

import io.forkpool.dispatch.Dispatcher;
import io.forkpool.dispatch.ShardQueue;
import io.forkpool.dispatch.ShardSettings;
import io.forkpool.dispatch.ShardSink;
import io.forkpool.dispatch.ShardSource;
import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's own cost per shard: the real Dispatcher, real worker processes (WorkerMain over
 * pipes), real aggregator, but shards of 1 pi sample, so the kernel time is ~0 and is also
 * subtracted (the worker reports it). Overhead per shard = (wall − Σ compute / workers) / shards,
 * with one worker (a pure round trip: queue → dispatcher → pipe → worker → pipe → reader →
 * aggregator → merge) and with 2 (round trips overlap).
 *
 * <pre>bench/shard-overhead.sh [shards] [rounds]</pre>
 */
public class ShardOverhead {

    /** A job of {@code shards} copies of one 1-sample pi shard. */
    static final class TinyShards implements ShardSource, ShardSink {
        final JobRequest request = TestJobs.pi(1L, 1L);
        final int shards;
        final AtomicInteger next = new AtomicInteger();
        final AtomicLong computeNanos = new AtomicLong();
        final CountDownLatch done;
        volatile boolean finished;

        TinyShards(int shards) {
            this.shards = shards;
            this.done = new CountDownLatch(shards);
        }

        @Override
        public JobRequest request() {
            return request;
        }

        @Override
        public int nextShard() {
            int i = next.getAndIncrement();
            return i < shards ? 0 : -1; // always shard 0 of the 1-sample job
        }

        @Override
        public long shardsLeft() {
            return Math.max(0, shards - next.get());
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public void dispatched() {}

        @Override
        public void shardDone(int shard, byte[] partial, long nanos) {
            computeNanos.addAndGet(nanos);
            done.countDown();
            if (done.getCount() == 0) {
                finished = true;
            }
        }

        @Override
        public void shardFailed(int shard, String problem) {
            throw new IllegalStateException(problem);
        }
    }

    public static void main(String[] args) throws Exception {
        int shards = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf(
                "machine: %d cores, java %s, %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadavg());
        for (int workers : new int[] {1, 2}) {
            var settings = new WorkerSettings(
                    workers,
                    "64m",
                    Duration.ofSeconds(30),
                    Duration.ofMillis(300),
                    "io.forkpool.worker.child.WorkerMain",
                    List.of(),
                    Duration.ofMillis(100),
                    Duration.ofSeconds(10));
            var metrics = new ForkpoolMetrics(new SimpleMeterRegistry());
            var dispatcher = new Dispatcher(
                    new WorkerPool<>(settings, metrics),
                    new ShardSettings(Duration.ofSeconds(60), 3),
                    metrics,
                    new ShardQueue());
            dispatcher.start();
            try {
                run(dispatcher, shards / 4); // warm the parent's own code paths
                double[] perShard = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    perShard[r] = run(dispatcher, shards);
                }
                double[] sorted = perShard.clone();
                Arrays.sort(sorted);
                System.out.printf(
                        "%d worker(s): %d shards × %d rounds: overhead per shard µs: median %.1f, best %.1f,"
                                + " rounds %s  (%s)%n",
                        workers,
                        shards,
                        rounds,
                        sorted[rounds / 2],
                        sorted[0],
                        Arrays.toString(Arrays.stream(perShard)
                                .map(v -> Math.round(v * 10) / 10.0)
                                .toArray()),
                        loadavg());
            } finally {
                dispatcher.stop();
            }
        }
        System.exit(0);
    }

    /** One job of tiny shards; returns µs of service time per shard (wall minus compute). */
    static double run(Dispatcher dispatcher, int shards) throws InterruptedException {
        int workers = dispatcher.workers().size();
        var job = new TinyShards(shards);
        long t0 = System.nanoTime();
        dispatcher.submit(job);
        job.done.await();
        long wall = System.nanoTime() - t0;
        // With W workers shards overlap: the wall time holds about Σcompute / W of compute.
        double service = wall - job.computeNanos.get() / (double) workers;
        return service / shards / 1e3 * workers; // per shard, per worker: what a worker waits between shards
    }

    static String loadavg() {
        try {
            return "loadavg "
                    + java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                            .trim();
        } catch (Exception e) {
            return "";
        }
    }
}
