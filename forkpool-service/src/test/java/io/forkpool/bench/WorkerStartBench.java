package io.forkpool.bench;

import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
import io.forkpool.worker.protocol.FrameCodec;
import io.forkpool.worker.protocol.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Time from spawning a worker JVM (the command line WorkerLauncher builds) to its Hello frame, and
 * the speed of its first shards, for a few warm-up budgets. Prints figures; asserts nothing.
 *
 * <pre>bench/worker-start.sh [warmup-ms ...]   (default: 0 300 1000)</pre>
 */
public final class WorkerStartBench {

    private WorkerStartBench() {}

    public static void main(String[] args) throws Exception {
        List<Long> budgets = new ArrayList<>();
        for (String arg : args) {
            budgets.add(Long.parseLong(arg));
        }
        if (budgets.isEmpty()) {
            budgets = List.of(0L, 300L, 1000L);
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The largest shard of each kernel (shard 0 of a big job), as a worker gets them.
        List<JobRequest> shards = List.of(
                TestJobs.pi(1L << 36, 1L),
                TestJobs.dice(1L << 37, 6, 1L),
                TestJobs.projectile(1L << 34, 20, 30.0, 31.0, 99.0, 100.0, 9.81, 1L));
        System.out.println("warmup_ms\thello_ms\tkernel\tshard_samples\tfirst_shard_ms\tfirst_Msps\tfifth_shard_ms\tfifth_Msps");
        for (long budget : budgets) {
            var command = List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                    "-Dforkpool.worker.warmup-ms=" + budget, "--add-modules=jdk.incubator.vector",
                    "-cp", System.getProperty("java.class.path"), "io.forkpool.worker.child.WorkerMain");
            long start = System.nanoTime();
            var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            var in = new BufferedInputStream(process.getInputStream());
            var out = new BufferedOutputStream(process.getOutputStream());
            var hello = FrameCodec.read(in);
            double helloMs = (System.nanoTime() - start) / 1e6;
            if (!(hello instanceof Message.Hello)) {
                throw new IllegalStateException("expected Hello, got " + hello);
            }
            long ticket = 0;
            for (var request : shards) {
                double[] ms = new double[5];
                for (int i = 0; i < 5; i++) {
                    FrameCodec.write(out, new Message.Run(++ticket, request, i));
                    out.flush();
                    var done = (Message.Done) FrameCodec.read(in);
                    ms[i] = done.computeNanos() / 1e6;
                }
                long units = request.shardUnits(0);
                System.out.printf("%d\t%.0f\t%s\t%d\t%.1f\t%.0f\t%.1f\t%.0f%n", budget, helloMs, request.type(), units,
                        ms[0], units / ms[0] / 1e3, ms[4], units / ms[4] / 1e3);
            }
            out.close();
            process.waitFor();
        }
    }
}
