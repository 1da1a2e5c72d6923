package io.forkpool.bench;

import io.forkpool.job.Job;
import io.forkpool.job.ShardLog;
import io.forkpool.job.TimelineSettings;
import io.forkpool.kind.Partial.PiCount;
import io.forkpool.kind.PiKind;
import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What partial results cost the merge of a large job, in one JVM: the real {@link Job} merging
 * every shard of a pi job of 10^13 samples (149,012 shards, partials as a worker sends them),
 * unwatched and watched alternately; watched, another thread reads the job ({@code snapshot()}, which
 * makes the partial result when it is due) 5 times a second, as the SSE ticker does, or as often as
 * it can (the worst case: every read takes the job's lock). Medians of the rounds and their ratios.
 *
 * <pre>java -cp "$(bench/test-classpath)" io.forkpool.bench.PartialResultCost [rounds]</pre>
 */
public class PartialResultCost {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        JobRequest request = TestJobs.pi(10_000_000_000_000L, 1L);
        int shards = request.shardCount();
        var codec = new PiKind().partialCodec();
        byte[][] partials = new byte[shards][];
        for (int s = 0; s < shards; s++) {
            long units = request.shardUnits(s);
            partials[s] = codec.encode(new PiCount(units * 785 / 1000 + s % 7, units));
        }
        System.out.printf(
                "CPU: %d cores; load %s; pi 1e13: %d shards%n",
                Runtime.getRuntime().availableProcessors(),
                java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                        .strip(),
                shards);
        var times = new java.util.LinkedHashMap<String, List<Double>>();
        for (String mode : List.of("unwatched", "read once before", "watched 5/s", "watched flat out")) {
            times.put(mode, new ArrayList<>());
        }
        for (int round = 0; round < rounds + 2; round++) {
            for (String mode : times.keySet()) {
                double ms = merge(request, partials, mode);
                if (round >= 2) { // two rounds to warm up
                    times.get(mode).add(ms);
                }
            }
        }
        double base = median(times.get("unwatched"));
        for (var e : times.entrySet()) {
            double m = median(e.getValue());
            System.out.printf(
                    "%-17s median %8.2f ms for %d merges   ratio to unwatched %.3f%n", e.getKey(), m, shards, m / base);
        }
    }

    private static double merge(JobRequest request, byte[][] partials, String mode) throws Exception {
        var job = new Job(
                "bench",
                1,
                request,
                null,
                null,
                Instant.now(),
                j -> {},
                j -> {},
                new ShardLog.Budget(new TimelineSettings(0, 0)),
                null,
                null);
        job.dispatched();
        var stop = new AtomicBoolean();
        var reading = new java.util.concurrent.CountDownLatch(1);
        Thread reader = null;
        if (mode.equals("read once before")) {
            Thread.ofPlatform().start(job::snapshot).join();
        } else if (!mode.equals("unwatched")) {
            long pauseMs = mode.equals("watched 5/s") ? 200 : 0;
            reader = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    var seen = job.snapshot();
                    reading.countDown();
                    if (seen.status() == io.forkpool.job.JobStatus.RUNNING
                            && seen.shardsDone() > 0
                            && seen.partialResult() == null) {
                        throw new IllegalStateException("a running pi job shows its partial result");
                    }
                    if (pauseMs > 0) {
                        try {
                            Thread.sleep(pauseMs);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
        }
        if (reader != null) {
            reading.await(); // reading already: its start is not timed
        }
        long t = System.nanoTime();
        for (int s = 0; s < partials.length; s++) {
            job.shardDone(s, partials[s], 1);
        }
        double ms = (System.nanoTime() - t) / 1e6;
        stop.set(true);
        if (reader != null) {
            reader.join();
        }
        if (!job.status().isFinal()) {
            throw new IllegalStateException("the job did not end");
        }
        return ms;
    }

    private static double median(List<Double> values) {
        var sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
