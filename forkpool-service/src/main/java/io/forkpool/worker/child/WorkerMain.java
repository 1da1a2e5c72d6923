package io.forkpool.worker.child;

import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.KindRegistry;
import io.forkpool.worker.protocol.FrameCodec;
import io.forkpool.worker.protocol.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of a worker process: no Spring, so it starts in tens of milliseconds. Reads
 * {@link Message.Run} frames from stdin, runs the kernel, writes the answer to stdout. Stdout
 * carries frames only (System.out goes to stderr, which the parent logs). Exits when stdin closes
 * or its parent dies, so a worker never outlives the service; on Linux the kernel kills it with
 * its parent too ({@link ParentDeath}), even when it is stopped.
 */
public final class WorkerMain {

    /** The exit code of a worker whose kernel ran out of heap. */
    public static final int EXIT_OUT_OF_MEMORY = 4;

    /** The exit code of a worker whose parent died. */
    public static final int EXIT_PARENT_GONE = 3;

    /** The pid of the service that forked this worker, set by the service (0: unknown). */
    public static final String PARENT_PID = "forkpool.worker.parent-pid";

    private WorkerMain() {}

    public static void main(String[] args) throws IOException {
        long parentPid = Long.getLong(PARENT_PID, 0);
        if (ParentDeath.arm(parentPid) == ParentDeath.Outcome.PARENT_GONE) {
            System.err.println("parent " + parentPid + " exited before this worker started; worker stops");
            Runtime.getRuntime().halt(EXIT_PARENT_GONE);
        }
        OutputStream frames = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        watchParent();
        String dir = System.getProperty("forkpool.kinds.dir");
        KindRegistry kinds = KindRegistry.load(dir == null || dir.isBlank() ? null : Path.of(dir));
        if (KernelWarmup.run(Long.getLong("forkpool.worker.warmup-ms", 0), kinds) == KernelWarmup.Outcome.COLD) {
            System.err.println("kernels not at compiled speed after 3x the warm-up budget: exiting (code "
                    + Message.EXIT_COLD + ") to be replaced");
            System.exit(Message.EXIT_COLD);
        }
        serve(kinds, new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16), frames);
        System.exit(0);
    }

    /** The loop of one worker, separate from {@link #main} so tests can drive it over pipes. */
    /** This thread's CPU clock (clock_gettime of the thread's CPU clock), or null where the JVM has none. */
    private static final java.lang.management.ThreadMXBean CPU = cpuClock();

    private static java.lang.management.ThreadMXBean cpuClock() {
        try {
            var bean = java.lang.management.ManagementFactory.getThreadMXBean();
            return bean.isCurrentThreadCpuTimeSupported() ? bean : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The CPU time this thread used so far, in ns; -1 where the JVM cannot tell. */
    private static long cpuNanos() {
        return CPU == null ? -1 : CPU.getCurrentThreadCpuTime();
    }

    static void serve(KindRegistry kinds, InputStream in, OutputStream out) throws IOException {
        FrameCodec.write(
                out, new Message.Hello(Message.VERSION, ProcessHandle.current().pid()));
        Message message;
        Message.Run last = null;
        JobRequest request = null;
        while ((message = FrameCodec.read(in)) != null) {
            if (!(message instanceof Message.Run run)) {
                throw new IOException("worker expects Run frames, got " + message);
            }
            Message answer;
            long start = System.nanoTime();
            long cpuStart = cpuNanos();
            try {
                // The shards of one job arrive in runs: decode its request once.
                if (last == null || !sameJob(last, run)) {
                    request = JobRequest.decode(kinds, run.type(), run.seed(), run.params());
                    last = run;
                }
                byte[] partial = request.computeEncoded(run.shard());
                answer = partial.length > FrameCodec.MAX_PARTIAL
                        ? new Message.Failed(
                                run.ticket(),
                                "the partial of kind " + run.type() + " is " + partial.length + " bytes, over the "
                                        + FrameCodec.MAX_PARTIAL + " a frame carries")
                        : new Message.Done(
                                run.ticket(),
                                System.nanoTime() - start,
                                cpuStart < 0 ? -1 : cpuNanos() - cpuStart,
                                partial);
            } catch (OutOfMemoryError e) {
                // A kernel that ran out of heap may have left this JVM in any state: exit with the
                // shard unanswered, so the pool retries it elsewhere and replaces this worker. (An
                // answer first would let the pool send this worker another shard before it exits.)
                System.err.println(
                        "worker ran out of memory in kind " + run.type() + ", shard " + run.shard() + "; exiting");
                Runtime.getRuntime().halt(EXIT_OUT_OF_MEMORY);
                return;
            } catch (InternalError | UnknownError e) {
                throw e; // the JVM itself is broken: let this worker die and be replaced
            } catch (Throwable e) {
                // A kind's exception, a stack overflow, or a LinkageError/AssertionError from its
                // code: the shard failed, this worker is fine.
                last = null;
                answer = new Message.Failed(run.ticket(), e.toString());
            }
            FrameCodec.write(out, answer);
        }
    }

    private static boolean sameJob(Message.Run a, Message.Run b) {
        return a.type().equals(b.type())
                && java.util.Objects.equals(a.seed(), b.seed())
                && Arrays.equals(a.params(), b.params());
    }

    /** SIGKILL of the parent closes our stdin, but a busy kernel would not notice: watch too. */
    private static void watchParent() {
        ProcessHandle.current()
                .parent()
                .ifPresent(parent -> parent.onExit().thenRun(() -> {
                    System.err.println("parent " + parent.pid() + " exited; worker stops");
                    Runtime.getRuntime().halt(EXIT_PARENT_GONE);
                }));
    }
}
