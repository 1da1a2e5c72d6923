package io.forkpool.worker;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one thread that forks every worker process, alive as long as this JVM. A worker has the
 * kernel kill it when its parent dies ({@code PR_SET_PDEATHSIG}), and to Linux its parent is the
 * thread that forked it: a worker forked on a virtual thread's carrier (which ends after 30 s
 * idle) or on a caller's short-lived thread would die with that thread. One thread for the whole
 * JVM, not one per pool, because a pool adopts the workers {@link EarlyWorkers} forked before it.
 */
final class ForkThread {

    /** Never shut down; its one platform thread does not time out. A daemon: it must not hold the JVM up. */
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("worker-fork").factory());

    private ForkThread() {}

    /** Starts {@code command} on the fork thread and waits for it (a few milliseconds). */
    static Process start(List<String> command) throws IOException {
        Future<Process> forked = THREAD.submit(() -> new ProcessBuilder(command).start());
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return forked.get();
                } catch (InterruptedException e) {
                    // a process forked for us must reach our caller, who stops it, rather than leak
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
