package io.forkpool.worker;

import io.forkpool.worker.protocol.Message;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the next worker warms up: yes, unless {@link #MAX_COLD_IN_A_ROW} workers in a row
 * exited because their kernels stayed slow through their warm-up ({@link Message#EXIT_COLD}).
 * One such worker is a rare JIT outcome, and its replacement is warm; several in a row mean a
 * JVM whose kernels never reach compiled speed (C2 off, say), where workers must still come up.
 * Shared by the slots and the spares; one counter, so no lock.
 */
final class ColdStarts {

    private static final Logger log = LoggerFactory.getLogger(ColdStarts.class);

    /** After this many workers in a row exited cold, new ones start without warm-up. */
    static final int MAX_COLD_IN_A_ROW = 2;

    private final AtomicInteger inARow = new AtomicInteger();

    boolean warmUp() {
        return inARow.get() < MAX_COLD_IN_A_ROW;
    }

    /** Counts a worker that exited cold before its hello. */
    void lost(Worker<?> lost) {
        if (!lost.hello().isDone() || lost.hello().isCompletedExceptionally()) {
            var process = lost.process();
            if (!process.isAlive()
                    && process.exitValue() == Message.EXIT_COLD
                    && inARow.incrementAndGet() == MAX_COLD_IN_A_ROW) {
                log.warn(
                        "{} workers in a row kept slow kernels through their warm-up: new workers start without"
                                + " warm-up (the JVM may lack C2, e.g. -XX:TieredStopAtLevel=1 in forkpool.workers.jvm-options)",
                        MAX_COLD_IN_A_ROW);
            }
        }
    }

    /** A worker that warmed up said hello: the next ones warm up again. */
    void helloAfter(boolean warmed) {
        if (warmed) {
            inARow.set(0);
        }
    }
}
