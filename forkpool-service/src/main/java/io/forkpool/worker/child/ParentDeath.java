package io.forkpool.worker.child;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * Has the Linux kernel SIGKILL this worker when the service dies ({@code prctl(PR_SET_PDEATHSIG)}
 * through the FFM API), so even a worker that cannot notice (stopped, or swapped out) does not
 * outlive it. The kernel keeps the setting per thread and fires it when the thread that forked us
 * ends, not the service's process: so it is set on the worker's main thread, and the service forks
 * every worker on one thread that lives as long as it does ({@code ForkThread}).
 */
final class ParentDeath {

    private static final int PR_SET_PDEATHSIG = 1;
    private static final int SIGKILL = 9;

    /** What {@link #arm} found. */
    enum Outcome {
        ARMED,
        /** The parent died before the signal was armed: we were handed on, and no signal will come. */
        PARENT_GONE,
        /** Not Linux, or the call failed: stdin EOF and the parent watcher remain. */
        UNAVAILABLE
    }

    private ParentDeath() {}

    /**
     * Arms SIGKILL on the parent's death, then checks that the parent is still {@code parentPid}
     * (0: unknown, not checked); call it on the thread that lives as long as the worker.
     */
    static Outcome arm(long parentPid) {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Outcome.UNAVAILABLE;
        }
        try {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            // int prctl(int option, ...): the signal is the first variadic argument, an unsigned long
            MethodHandle prctl = linker.downcallHandle(
                    libc.findOrThrow("prctl"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG),
                    Linker.Option.firstVariadicArg(1));
            MethodHandle getppid = linker.downcallHandle(libc.findOrThrow("getppid"), FunctionDescriptor.of(JAVA_INT));
            if ((int) prctl.invokeExact(PR_SET_PDEATHSIG, (long) SIGKILL) != 0) {
                return Outcome.UNAVAILABLE;
            }
            // Armed from here on; a parent that died before is no longer our parent.
            return parentPid != 0 && (int) getppid.invokeExact() != parentPid ? Outcome.PARENT_GONE : Outcome.ARMED;
        } catch (Throwable e) { // native access denied (--illegal-native-access=deny), no such symbol
            System.err.println("cannot ask the kernel to end this worker with its parent: " + e);
            return Outcome.UNAVAILABLE;
        }
    }
}
