package io.forkpool.worker.child;

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

/**
 * Entry point of a worker process: no Spring, so it starts in tens of milliseconds. Reads
 * {@link Message.Run} frames from stdin, runs the kernel, writes the answer to stdout. Stdout
 * carries frames only (System.out goes to stderr, which the parent logs). Exits when stdin closes
 * or its parent dies, so a worker never outlives the service.
 */
public final class WorkerMain {

    private WorkerMain() {}

    public static void main(String[] args) throws IOException {
        OutputStream frames = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        watchParent();
        Warmup.run(Long.getLong("forkpool.worker.warmup-ms", 0));
        serve(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16), frames);
        System.exit(0);
    }

    /** The loop of one worker, separate from {@link #main} so tests can drive it over pipes. */
    static void serve(InputStream in, OutputStream out) throws IOException {
        FrameCodec.write(out, new Message.Hello(Message.VERSION, ProcessHandle.current().pid()));
        Message message;
        while ((message = FrameCodec.read(in)) != null) {
            if (!(message instanceof Message.Run(long ticket, var request, int shard))) {
                throw new IOException("worker expects Run frames, got " + message);
            }
            Message answer;
            long start = System.nanoTime();
            try {
                var partial = request.compute(shard);
                answer = new Message.Done(ticket, System.nanoTime() - start, partial);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                answer = new Message.Failed(ticket, e.toString());
            }
            FrameCodec.write(out, answer);
        }
    }

    /** SIGKILL of the parent closes our stdin, but a busy kernel would not notice: watch too. */
    private static void watchParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println("parent " + parent.pid() + " exited; worker stops");
            Runtime.getRuntime().halt(3);
        }));
    }
}
