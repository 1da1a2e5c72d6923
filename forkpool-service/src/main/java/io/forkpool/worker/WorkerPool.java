package io.forkpool.worker;

import io.forkpool.metrics.ForkpoolMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * A fixed number of worker slots, each holding one live worker process or one on its way.
 * Idle workers wait in a queue the dispatcher takes from, so shards only go to idle workers.
 * A lost worker is replaced here, by a warm spare if one is there ({@link Spares}), else by a
 * new process, with back-off while replacements keep failing; then the pool tells its one
 * {@link WorkerListener}. All its state is guarded by one lock.
 */
public final class WorkerPool<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    /** A worker whose rate on a work is this much under the others' is slow ({@link ComputeRates}). */
    static final double SLOWER_BY = 0.10;
    /** A worker's rate on a work: the median of its last this many shards there. */
    static final int RATE_WINDOW = 8;
    /** A worker is judged on a work only after this many shards of it (its first ones run while its JIT compiles). */
    static final int JUDGED_AFTER = 24;
    /** Shards that computed for less are not measured (timer and cache noise; a shard aims at ~20 ms). */
    public static final long MIN_MEASURED_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * At most one worker replaced for slowness per this much time: each replacement costs a new
     * spare's start and warm-up, so a noisy machine cannot make the pool churn.
     */
    static final long SLOW_REPLACEMENT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final WorkerSettings settings;
    private final WorkerLauncher launcher;
    private final ForkpoolMetrics metrics;
    private final ColdStarts cold = new ColdStarts();
    /** Between spawns that keep failing before their hello: respawn-backoff, doubling up to max-respawn-backoff. */
    private final ExponentialBackOff backOff;

    private final ScheduledExecutorService respawner = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("worker-respawn").factory());
    private final Spares<T> spares;

    /** Guards every field below, and the spares. */
    private final Object lock = new Object();

    private final Slot<T>[] slots;
    private final ArrayDeque<Worker<T>> idle = new ArrayDeque<>();
    /** Each worker's speed against the others', per work: a slow one gives its slot to a warm spare. */
    private final ComputeRates<Worker<T>> rates =
            new ComputeRates<>(SLOWER_BY, RATE_WINDOW, JUDGED_AFTER, MIN_MEASURED_NANOS);
    /** Workers that gave their slot to a spare for being slow, until their process has exited. */
    private final Set<Worker<T>> retired = Collections.newSetFromMap(new IdentityHashMap<>());
    /** System.nanoTime of the last replacement for slowness; none yet while {@code replacedSlow} is false. */
    private long lastReplacedSlow;

    private boolean replacedSlow;
    private WorkerListener<T> listener;
    private CompletableFuture<Void> spawning;
    private boolean started;
    private boolean closed;

    /**
     * One slot: its worker (null before the first start), how many workers it had before this
     * one, and its back-off while starts keep failing before their hello (null: none failed).
     */
    private record Slot<T>(Worker<T> worker, int generation, BackOffExecution failing) {

        static final Slot<?> EMPTY = new Slot<>(null, 0, null);

        /** The generation of this slot's next worker: 0 for its first. */
        int nextGeneration() {
            return worker == null ? 0 : generation + 1;
        }

        /** The slot with {@code next} as its worker. */
        Slot<T> holding(Worker<T> next) {
            return new Slot<>(next, next.generation(), failing);
        }

        Slot<T> failing(BackOffExecution failing) {
            return new Slot<>(worker, generation, failing);
        }
    }

    /** respawn-backoff, doubling per failed start, never past max-respawn-backoff; no limit on tries. */
    static ExponentialBackOff restartBackOff(WorkerSettings settings) {
        long first = settings.respawnBackoff().toMillis();
        var backOff = new ExponentialBackOff(first, 2);
        backOff.setMaxInterval(Math.max(first, settings.maxRespawnBackoff().toMillis()));
        return backOff;
    }

    public WorkerPool(WorkerSettings settings, ForkpoolMetrics metrics) {
        this(settings, null, metrics);
    }

    /** {@code kindsDir}: {@code forkpool.kinds.dir}, the kind jars each worker loads (null: none). */
    @SuppressWarnings("unchecked")
    public WorkerPool(WorkerSettings settings, Path kindsDir, ForkpoolMetrics metrics) {
        this.settings = settings;
        this.launcher = new WorkerLauncher(settings, kindsDir);
        this.metrics = metrics;
        this.backOff = restartBackOff(settings);
        this.slots = new Slot[settings.size()];
        java.util.Arrays.fill(slots, Slot.EMPTY);
        this.spares = new Spares<>(settings, launcher, metrics, cold, backOff, respawner, lock, this::report);
        metrics.workers(this, Worker.State.class, WorkerPool::count);
    }

    /** Whom the pool tells what its workers did: one listener, set once, before the workers start. */
    public void listen(WorkerListener<T> listener) {
        synchronized (lock) {
            if (this.listener != null) {
                throw new IllegalStateException("the pool already reports to " + this.listener);
            }
            this.listener = listener;
        }
    }

    /**
     * Starts every worker now, without waiting: the service calls this as soon as the pool exists,
     * so the workers' JVM start and kernel warm-up overlap the rest of the application's start
     * instead of following it. {@link #start} then only waits for their hellos.
     */
    public void prestart() {
        synchronized (lock) {
            if (spawning != null || closed) {
                return;
            }
            if (listener == null) {
                throw new IllegalStateException("no listener: call listen before the workers start");
            }
            var spawns = new ArrayList<CompletableFuture<?>>();
            for (int slot = 0; slot < slots.length; slot++) {
                int s = slot;
                spawns.add(CompletableFuture.runAsync(() -> spawn(s), Thread::startVirtualThread));
            }
            spawning = CompletableFuture.allOf(spawns.toArray(CompletableFuture[]::new));
        }
    }

    /** Starts every worker at once (unless {@link #prestart} did) and waits until all said hello; failed slots retry in the background. */
    public void start() {
        prestart();
        CompletableFuture<Void> all;
        synchronized (lock) {
            all = spawning;
        }
        if (all == null) {
            return; // closed before it started
        }
        all.join();
        synchronized (lock) {
            started = true;
        }
        log.info(
                "worker pool ready: {} of {} workers up",
                count(Worker.State.IDLE) + count(Worker.State.BUSY),
                slots.length);
    }

    /** Blocks until a worker is idle and hands it out; the caller must {@link Worker#send} to it. */
    public Worker<T> takeIdle() throws InterruptedException {
        synchronized (lock) {
            while (true) {
                Worker<T> worker = idle.poll();
                if (worker == null) {
                    lock.wait(); // addIdle wakes it
                } else if (worker.state() == Worker.State.IDLE && slots[worker.id()].worker() == worker) {
                    return worker;
                }
            }
        }
    }

    /**
     * {@code worker} computed {@code units} of {@code work} (one kind with one set of parameters) in
     * {@code nanos}. If that makes it slow against the other workers ({@link ComputeRates}) and a warm
     * spare is there, the spare takes its slot now, ready for the next shard, and this worker is
     * closed: true then, and the caller gives it nothing more. Without a spare a slow worker stays (a
     * new process would be slower still until it has warmed), and at most one worker is replaced so
     * per {@link #SLOW_REPLACEMENT_INTERVAL_NANOS}.
     */
    public boolean computed(Worker<T> worker, Object work, long units, long nanos) {
        Worker<T> spare;
        Double relative;
        synchronized (lock) {
            int id = worker.id();
            // measured either way (relativeSpeed shows it); replaced only with forkpool.workers.replace-slow
            if (closed
                    || slots[id].worker() != worker
                    || !rates.slow(worker, work, units, nanos, workers())
                    || !settings.replaceSlow()) {
                return false;
            }
            relative = rates.relative(worker);
            long now = System.nanoTime();
            if (replacedSlow && now - lastReplacedSlow < SLOW_REPLACEMENT_INTERVAL_NANOS) {
                return false;
            }
            Slot<T> slot = slots[id];
            spare = spares.take(id, slot.nextGeneration());
            if (spare == null) {
                return false;
            }
            replacedSlow = true;
            lastReplacedSlow = now;
            retired.add(worker);
            rates.forget(worker);
            metrics.workerRestarted("slow");
            slots[id] = slot.holding(spare).failing(null);
            addIdle(spare);
        }
        log.info(
                "{} computes {}x as fast as the other workers on the same work (median of its last {} shards);"
                        + " {} takes its place",
                worker,
                String.format(java.util.Locale.ROOT, "%.2f", relative),
                RATE_WINDOW,
                spare);
        spares.promoted(spare);
        worker.close();
        return true;
    }

    /** The worker's last compute rate over the other workers' median on the same work, or null before one. */
    public Double relativeSpeed(Worker<T> worker) {
        synchronized (lock) {
            return rates.relative(worker);
        }
    }

    /** A worker answered and may take the next shard. */
    public void release(Worker<T> worker) {
        worker.markIdle();
        synchronized (lock) {
            if (worker.state() == Worker.State.IDLE && !closed) {
                addIdle(worker);
            }
        }
    }

    /** Starts the spares ({@link WorkerSettings#spares}); the service calls this once it is ready. */
    public void startSpares() {
        spares.start();
    }

    /** The warm spares now (not in {@link #workers}). */
    public List<Worker<T>> spares() {
        return spares.list();
    }

    /** True once {@link #close} has begun: workers exit because they were told to. */
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** True once started with at least one worker ready to take shards. */
    public boolean isReady() {
        synchronized (lock) {
            return started && !closed && count(Worker.State.IDLE) + count(Worker.State.BUSY) > 0;
        }
    }

    public int size() {
        return slots.length;
    }

    public List<Worker<T>> workers() {
        synchronized (lock) {
            var list = new ArrayList<Worker<T>>(slots.length);
            for (Slot<T> slot : slots) {
                if (slot.worker() != null) {
                    list.add(slot.worker());
                }
            }
            return list;
        }
    }

    /** Workers in {@code state}: the slots' ({@link Worker.State#DEAD} counts empty slots too), or the warm spares. */
    public int count(Worker.State state) {
        if (state == Worker.State.SPARE) {
            return spares.count();
        }
        synchronized (lock) {
            int n = 0;
            for (Slot<T> slot : slots) {
                Worker.State s = slot.worker() == null
                        ? Worker.State.DEAD
                        : slot.worker().state();
                if (s == state) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * A slot's worker answered or is gone. A lost worker is replaced here, before the listener
     * hears of it; one that exits because the pool closed is no news unless it held a shard.
     */
    private void report(WorkerEvent<T> event) {
        switch (event) {
            case WorkerEvent.Answered<T>(var worker, var assignment, var answer) ->
                listener.answered(worker, assignment, answer);
            case WorkerEvent.Lost<T>(var worker, var inFlight, var reason, var detail) -> {
                boolean wasRetired;
                synchronized (lock) {
                    wasRetired = retired.remove(worker);
                    rates.forget(worker);
                }
                if (wasRetired && inFlight == null) {
                    log.debug("{} exited after giving its slot to a spare: {}", worker, detail);
                    return;
                }
                if (isClosed() && inFlight == null) {
                    log.debug("{} stopped with the pool: {}", worker, detail);
                    return;
                }
                replace(worker, reason);
                listener.lost(worker, inFlight, reason, detail);
            }
        }
    }

    /**
     * Replaces a worker that is gone, counted by {@code reason}: by a warm spare at once if there
     * is one (and a new spare starts behind it), else by a new worker process.
     */
    private void replace(Worker<T> lost, String reason) {
        int id = lost.id();
        Worker<T> spare;
        long delay;
        synchronized (lock) {
            if (closed || slots[id].worker() != lost) {
                return;
            }
            metrics.workerRestarted(reason);
            cold.lost(lost);
            Slot<T> slot = slots[id];
            spare = spares.take(id, slot.nextGeneration());
            if (spare != null) {
                slots[id] = slot.holding(spare).failing(null);
                addIdle(spare);
                delay = 0;
            } else {
                delay = nextDelay(id);
            }
        }
        if (spare != null) {
            log.info("{} takes the place of {}", spare, lost);
            spares.promoted(spare);
        } else {
            schedule(id, delay);
        }
    }

    private void spawn(int slot) {
        if (isClosed()) {
            return;
        }
        boolean warm = cold.warmUp();
        long start = System.nanoTime();
        Process process;
        try {
            process = launcher.start(slot, warm);
        } catch (IOException e) {
            log.error("cannot start worker {}: {}", slot, e.getMessage());
            long delay;
            synchronized (lock) {
                delay = nextDelay(slot);
            }
            schedule(slot, delay);
            return;
        }
        Worker<T> worker;
        synchronized (lock) {
            if (closed) {
                process.destroyForcibly();
                return;
            }
            worker = new Worker<>(slot, slots[slot].nextGeneration(), process);
            slots[slot] = slots[slot].holding(worker);
        }
        worker.listen(this::report);
        try {
            worker.hello().get(settings.spawnTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.kill("spawn", "no hello within " + settings.spawnTimeout());
            return;
        } catch (Exception e) {
            log.warn(
                    "worker {} failed to start: {}",
                    slot,
                    e.getCause() == null ? e : e.getCause().getMessage());
            return; // the reader reports it lost, which schedules the next try
        }
        metrics.workerSpawned(Duration.ofNanos(System.nanoTime() - start));
        cold.helloAfter(warm);
        synchronized (lock) {
            if (slots[slot].worker() == worker) {
                slots[slot] = slots[slot].failing(null);
            }
            if (!closed) {
                addIdle(worker);
                return;
            }
        }
        worker.close();
    }

    /**
     * The delay before the next spawn in {@code slot}, under the lock: none after a worker that
     * had said hello (a new worker costs a JVM start and a warm-up, over a second, so this cannot
     * spin), then the back-off, doubling while spawns keep failing before their hello.
     */
    private long nextDelay(int slot) {
        Slot<T> s = slots[slot];
        if (s.failing() == null) {
            slots[slot] = s.failing(backOff.start());
            return 0;
        }
        return s.failing().nextBackOff();
    }

    private void schedule(int slot, long delayMillis) {
        try {
            respawner.schedule(() -> spawn(slot), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the pool closed meanwhile
        }
    }

    /** Holds the lock. */
    private void addIdle(Worker<T> worker) {
        idle.add(worker);
        lock.notifyAll();
    }

    /** Closes every worker's stdin, waits briefly for them to exit, then kills what is left. */
    @Override
    public void close() {
        List<Worker<T>> all;
        synchronized (lock) {
            if (closed) {
                return; // the dispatcher stopped the pool, and now the context closes it
            }
            closed = true;
            all = new ArrayList<>(workers());
            all.addAll(spares.close());
        }
        respawner.shutdownNow();
        all.forEach(Worker::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (Worker<T> w : all) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !w.process().waitFor(left, TimeUnit.NANOSECONDS)) {
                    w.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                w.process().destroyForcibly();
            }
        }
    }
}
