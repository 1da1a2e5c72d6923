package io.forkpool.dispatch;

import io.forkpool.worker.child.WorkerMain;
import io.forkpool.worker.protocol.FrameCodec;
import io.forkpool.worker.protocol.Message;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Worker entry points that misbehave, for the fault tests. The "once" kinds misbehave only in
 * the first process that claims the marker file named by {@code -Dfaulty.marker}; the
 * replacement then runs the real {@link WorkerMain}.
 */
final class FaultyWorkers {

    private FaultyWorkers() {}

    static boolean firstToClaim() {
        try {
            Files.createFile(Path.of(System.getProperty("faulty.marker")));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Says hello, takes a shard, answers with text instead of a frame. */
    static final class GarbageOnce {
        public static void main(String[] args) throws IOException {
            if (!firstToClaim()) {
                WorkerMain.main(args);
                return;
            }
            var out = new FileOutputStream(FileDescriptor.out);
            FrameCodec.write(
                    out,
                    new Message.Hello(Message.VERSION, ProcessHandle.current().pid()));
            FrameCodec.read(new FileInputStream(FileDescriptor.in));
            out.write("Exception in thread main: oops, this is not a frame\n".getBytes());
            out.flush();
            sleepForever();
        }
    }

    /** Says hello, takes a shard, writes half a frame and exits. */
    static final class TruncatedOnce {
        public static void main(String[] args) throws IOException {
            if (!firstToClaim()) {
                WorkerMain.main(args);
                return;
            }
            var out = new FileOutputStream(FileDescriptor.out);
            FrameCodec.write(
                    out,
                    new Message.Hello(Message.VERSION, ProcessHandle.current().pid()));
            FrameCodec.read(new FileInputStream(FileDescriptor.in));
            out.write(new byte[] {0, 0, 0, 40, 3, 0, 0});
            out.flush();
            System.exit(0);
        }
    }

    /** Exits before its hello. */
    static final class DiesInHandshakeOnce {
        public static void main(String[] args) throws IOException {
            if (!firstToClaim()) {
                WorkerMain.main(args);
                return;
            }
            System.exit(7);
        }
    }

    /** Every process crashes on its first shard: the shard can never succeed. */
    static final class AlwaysCrashes {
        public static void main(String[] args) throws IOException {
            var out = new FileOutputStream(FileDescriptor.out);
            FrameCodec.write(
                    out,
                    new Message.Hello(Message.VERSION, ProcessHandle.current().pid()));
            FrameCodec.read(new FileInputStream(FileDescriptor.in));
            Runtime.getRuntime().halt(137);
        }
    }

    private static void sleepForever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
