package io.forkpool.worker;

import io.forkpool.metrics.ForkpoolMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The warm spares beside a {@link WorkerPool}: worker processes that said hello and hold no slot,
 * started at idle CPU priority ({@link WorkerSettings#spares}). A lost slot takes one at once
 * ({@link #take}) and a new one starts behind it. Their state is guarded by the pool's lock, so
 * a spare's move into a slot and its loss cannot cross.
 */
final class Spares<T> {

    private static final Logger log = LoggerFactory.getLogger(Spares.class);

    private final WorkerSettings settings;
    private final WorkerLauncher launcher;
    private final ForkpoolMetrics metrics;
    private final ColdStarts cold;
    private final BackOff backOff;
    private final ScheduledExecutorService scheduler;
    /** Events of a spare that has moved into a slot: the pool's. */
    private final Consumer<WorkerEvent<T>> inSlot;

    /** The pool's lock; guards the fields below. */
    private final Object lock;

    private final ArrayDeque<Worker<T>> warm = new ArrayDeque<>();
    /** The back-off while spares keep failing before their hello; null while none has. */
    private BackOffExecution failing;

    private boolean closed;
    /** Logged once: former spares keep their idle priority here. */
    private volatile boolean raiseRefused;

    Spares(
            WorkerSettings settings,
            WorkerLauncher launcher,
            ForkpoolMetrics metrics,
            ColdStarts cold,
            BackOff backOff,
            ScheduledExecutorService scheduler,
            Object lock,
            Consumer<WorkerEvent<T>> inSlot) {
        this.settings = settings;
        this.launcher = launcher;
        this.metrics = metrics;
        this.cold = cold;
        this.backOff = backOff;
        this.scheduler = scheduler;
        this.lock = lock;
        this.inSlot = inSlot;
    }

    /** Starts the configured number of spares, each on its own virtual thread. */
    void start() {
        for (int i = 0; i < settings.spares(); i++) {
            Thread.startVirtualThread(this::spawn);
        }
    }

    /** The warm spares now. */
    List<Worker<T>> list() {
        synchronized (lock) {
            return List.copyOf(warm);
        }
    }

    int count() {
        synchronized (lock) {
            return warm.size();
        }
    }

    /**
     * A live spare moved into {@code slot} as its {@code generation}-th worker, or null; its
     * events are the pool's from now on. Call {@link #promoted} next, off the pool's lock.
     */
    Worker<T> take(int slot, int generation) {
        synchronized (lock) {
            Worker<T> spare;
            while ((spare = warm.poll()) != null) {
                if (spare.state() == Worker.State.SPARE) {
                    spare.assign(slot, generation);
                    return spare;
                }
                // a dead one: its Lost event, waiting for this lock, finds it gone and starts another
            }
            return null;
        }
    }

    /** A spare took a slot: it runs at normal priority again (if the OS lets us), and another starts behind it. */
    void promoted(Worker<T> former) {
        Thread.startVirtualThread(() -> {
            var priority = launcher.sparePriority();
            if (priority != WorkerLauncher.Priority.NORMAL && !priority.raise(former.pid()) && !raiseRefused) {
                raiseRefused = true;
                log.info(
                        "{} keeps the idle CPU priority it warmed at: raising it back needs root or CAP_SYS_NICE"
                                + " (forkpool.workers.spare-priority=normal starts spares at normal priority)",
                        former);
            }
            spawn();
        });
    }

    /** No more spares; returns the ones there were, for the pool to close. */
    List<Worker<T>> close() {
        synchronized (lock) {
            closed = true;
            var all = List.copyOf(warm);
            warm.clear();
            return all;
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void spawn() {
        if (isClosed()) {
            return;
        }
        long start = System.nanoTime();
        boolean warmUp = cold.warmUp();
        Worker<T> spare;
        try {
            spare = new Worker<>(Worker.SPARE, 0, launcher.startSpare(warmUp));
        } catch (IOException e) {
            log.error("cannot start a spare worker: {}", e.getMessage());
            retry(true);
            return;
        }
        spare.listen(event -> event(spare, event));
        try {
            awaitHello(spare);
        } catch (TimeoutException e) {
            spare.kill("spawn", e.getMessage());
            return; // its Lost event starts the next try
        } catch (Exception e) {
            return; // its Lost event starts the next try
        }
        metrics.workerSpawned(Duration.ofNanos(System.nanoTime() - start));
        cold.helloAfter(warmUp);
        synchronized (lock) {
            if (!closed && spare.state() == Worker.State.SPARE) {
                failing = null;
                warm.add(spare);
                return;
            }
        }
        spare.close(); // the pool closed, or the spare died after its hello (its Lost event starts the next)
    }

    /**
     * Waits for a spare's hello. At idle priority a spare only runs when the workers leave a core
     * free, so its deadline is {@link WorkerSettings#spawnTimeout} of its own CPU time (a long job
     * may hold it back for minutes), or 20× that of wall time (a spare that hangs).
     */
    private void awaitHello(Worker<T> spare) throws Exception {
        long wallDeadline = System.nanoTime() + 20 * settings.spawnTimeout().toNanos();
        var process = spare.process().toHandle();
        while (true) {
            try {
                spare.hello().get(1, TimeUnit.SECONDS);
                return;
            } catch (TimeoutException e) {
                var cpu = process.info().totalCpuDuration().orElse(Duration.ZERO);
                if (cpu.compareTo(settings.spawnTimeout()) > 0 || System.nanoTime() - wallDeadline > 0) {
                    throw new TimeoutException("no hello within " + settings.spawnTimeout() + " of CPU time ("
                            + cpu.toMillis() + " ms used)");
                }
            }
        }
    }

    /** A spare's loss while still a spare is ours; once it holds a slot, its events are the pool's. */
    private void event(Worker<T> worker, WorkerEvent<T> event) {
        synchronized (lock) {
            if (worker.id() == Worker.SPARE) {
                if (event instanceof WorkerEvent.Lost<T>(var w, var inFlight, var reason, var detail)) {
                    warm.remove(worker);
                    cold.lost(worker);
                    if (!closed) {
                        log.warn("{} lost ({}): {}", worker, reason, detail);
                        retry(!worker.hello().isDone() || worker.hello().isCompletedExceptionally());
                    }
                }
                return;
            }
        }
        inSlot.accept(event);
    }

    /** The next spare: at once after one that was warm, with the back-off after failed starts. */
    private void retry(boolean failedBeforeHello) {
        long delay;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (!failedBeforeHello) {
                failing = null;
                delay = 0;
            } else {
                if (failing == null) {
                    failing = backOff.start();
                }
                delay = failing.nextBackOff();
            }
        }
        try {
            scheduler.schedule(() -> Thread.startVirtualThread(this::spawn), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the pool closed meanwhile
        }
    }
}
