package io.forkpool.worker;

import io.forkpool.metrics.ForkpoolMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of worker slots, each holding one live worker process or one on its way.
 * Idle workers wait in a queue the dispatcher takes from, so shards only go to idle workers.
 * A lost worker is replaced by a warm spare if one is there, else by a new process, with back-off
 * while replacements keep failing.
 */
public final class WorkerPool<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final WorkerSettings settings;
    private final WorkerLauncher launcher;
    /** Set once, by {@link #listen}, before any worker starts. */
    private volatile WorkerListener<T> listener;
    private final ForkpoolMetrics metrics;
    private final AtomicReferenceArray<Worker<T>> slots;
    private final int[] failedSpawns;
    private final int[] generations;
    private final LinkedBlockingQueue<Worker<T>> idle = new LinkedBlockingQueue<>();
    /** Warm spares (said hello, hold no slot); guards their move into a slot against their loss. */
    private final ArrayDeque<Worker<T>> spares = new ArrayDeque<>();
    private int failedSpares;
    private final ScheduledExecutorService respawner =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("worker-respawn").factory());
    private CompletableFuture<Void> spawning;
    /** Workers in a row that exited cold (their kernels stayed slow through their warm-up); see {@link #warmUp}. */
    private final java.util.concurrent.atomic.AtomicInteger coldInARow = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean started;
    private volatile boolean closed;

    public WorkerPool(WorkerSettings settings, ForkpoolMetrics metrics) {
        this(settings, null, metrics);
    }

    /** {@code kindsDir}: {@code forkpool.kinds.dir}, the kind jars each worker loads (null: none). */
    public WorkerPool(WorkerSettings settings, java.nio.file.Path kindsDir, ForkpoolMetrics metrics) {
        this.settings = settings;
        this.launcher = new WorkerLauncher(settings, kindsDir);
        this.metrics = metrics;
        this.slots = new AtomicReferenceArray<>(settings.size());
        this.failedSpawns = new int[settings.size()];
        this.generations = new int[settings.size()];
        metrics.workers(this, WorkerPool::count);
    }

    /** Whom the pool tells what its workers did: one listener, set once, before the workers start. */
    public synchronized void listen(WorkerListener<T> listener) {
        if (this.listener != null) {
            throw new IllegalStateException("the pool already reports to " + this.listener);
        }
        this.listener = listener;
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
                if (closed && inFlight == null) {
                    log.debug("{} stopped with the pool: {}", worker, detail);
                    return;
                }
                replace(worker, reason);
                listener.lost(worker, inFlight, reason, detail);
            }
        }
    }

    /**
     * Starts every worker now, without waiting: the service calls this as soon as the pool exists,
     * so the workers' JVM start and kernel warm-up overlap the rest of the application's start
     * instead of following it. {@link #start} then only waits for their hellos.
     */
    public synchronized void prestart() {
        if (spawning != null || closed) {
            return;
        }
        if (listener == null) {
            throw new IllegalStateException("no listener: call listen before the workers start");
        }
        var spawns = new ArrayList<CompletableFuture<?>>();
        for (int slot = 0; slot < slots.length(); slot++) {
            int s = slot;
            spawns.add(CompletableFuture.runAsync(() -> spawn(s), Thread::startVirtualThread));
        }
        spawning = CompletableFuture.allOf(spawns.toArray(CompletableFuture[]::new));
    }

    /** Starts every worker at once (unless {@link #prestart} did) and waits until all said hello; failed slots retry in the background. */
    public void start() {
        prestart();
        spawning.join();
        started = true;
        log.info("worker pool ready: {} of {} workers up", count("idle") + count("busy"), slots.length());
    }

    /** Blocks until a worker is idle and hands it out; the caller must {@link Worker#send} to it. */
    public Worker<T> takeIdle() throws InterruptedException {
        while (true) {
            Worker<T> worker = idle.take();
            if (worker.state() == Worker.State.IDLE && slots.get(worker.id()) == worker) {
                return worker;
            }
        }
    }

    /** A worker answered and may take the next shard. */
    public void release(Worker<T> worker) {
        worker.markIdle();
        if (worker.state() == Worker.State.IDLE && !closed) {
            idle.add(worker);
        }
    }

    /**
     * Replaces a worker that is gone, counted by {@code reason}: by a warm spare at once if there
     * is one (and a new spare starts behind it), else by a new worker process.
     */
    private void replace(Worker<T> lost, String reason) {
        if (closed || slots.get(lost.id()) != lost) {
            return;
        }
        metrics.workerRestarted(reason);
        noteCold(lost);
        int slot = lost.id();
        Worker<T> spare = takeSpare(slot);
        if (spare != null) {
            log.info("{} takes the place of {}", spare, lost);
            idle.add(spare);
            Thread.startVirtualThread(() -> {
                raisePriority(spare);
                spawnSpare();
            });
            return;
        }
        long delay = backoffMillis(slot);
        respawner.schedule(() -> spawn(slot), delay, TimeUnit.MILLISECONDS);
    }

    /** Starts the spares ({@link WorkerSettings#spares}); the service calls this once it is ready. */
    public void startSpares() {
        for (int i = 0; i < settings.spares(); i++) {
            Thread.startVirtualThread(this::spawnSpare);
        }
    }

    /** The warm spares now (not in {@link #workers}). */
    public List<Worker<T>> spares() {
        synchronized (spares) {
            return List.copyOf(spares);
        }
    }

    /** A live spare moved into {@code slot}, or null. */
    private Worker<T> takeSpare(int slot) {
        synchronized (spares) {
            Worker<T> spare;
            while ((spare = spares.poll()) != null) {
                if (spare.state() == Worker.State.IDLE) {
                    int generation;
                    synchronized (generations) {
                        generation = ++generations[slot];
                    }
                    spare.assign(slot, generation);
                    slots.set(slot, spare);
                    synchronized (failedSpawns) {
                        failedSpawns[slot] = 0;
                    }
                    return spare;
                }
                // a dead one: its Lost event, waiting for this lock, finds it gone and starts another
            }
            return null;
        }
    }

    /** After this many workers in a row exited cold, new ones start without warm-up. */
    static final int MAX_COLD_IN_A_ROW = 2;

    /**
     * Whether the next worker warms up: yes, unless {@link #MAX_COLD_IN_A_ROW} workers in a row
     * exited because their kernels stayed slow through their warm-up ({@link Message#EXIT_COLD}).
     * One such worker is a rare JIT outcome, and its replacement is warm; several in a row mean a
     * JVM whose kernels never reach compiled speed (C2 off, say), where workers must still come up.
     */
    private boolean warmUp() {
        return coldInARow.get() < MAX_COLD_IN_A_ROW;
    }

    /** Counts a worker that exited cold before its hello. */
    private void noteCold(Worker<?> lost) {
        if (!lost.hello().isDone() || lost.hello().isCompletedExceptionally()) {
            var process = lost.process();
            if (!process.isAlive() && process.exitValue() == io.forkpool.worker.protocol.Message.EXIT_COLD
                    && coldInARow.incrementAndGet() == MAX_COLD_IN_A_ROW) {
                log.warn("{} workers in a row kept slow kernels through their warm-up: new workers start without"
                        + " warm-up (the JVM may lack C2, e.g. -XX:TieredStopAtLevel=1 in forkpool.workers.jvm-options)",
                        MAX_COLD_IN_A_ROW);
            }
        }
    }

    /** A worker that warmed up said hello: the next ones warm up again. */
    private void noteWarm(boolean warmed) {
        if (warmed) {
            coldInARow.set(0);
        }
    }

    /** Logged once: former spares keep their idle priority here. */
    private volatile boolean raiseRefused;

    /** A spare that took a slot runs at normal priority again, if the OS lets this service do that. */
    private void raisePriority(Worker<?> former) {
        var priority = launcher.sparePriority();
        if (priority != WorkerLauncher.Priority.NORMAL && !priority.raise(former.pid()) && !raiseRefused) {
            raiseRefused = true;
            log.info("{} keeps the idle CPU priority it warmed at: raising it back needs root or CAP_SYS_NICE"
                    + " (forkpool.workers.spare-priority=normal starts spares at normal priority)", former);
        }
    }

    private void spawnSpare() {
        if (closed) {
            return;
        }
        long start = System.nanoTime();
        Worker<T> spare;
        boolean warm = warmUp();
        try {
            spare = new Worker<>(Worker.SPARE, 0, launcher.startSpare(warm));
        } catch (IOException e) {
            log.error("cannot start a spare worker: {}", e.getMessage());
            retrySpare(true);
            return;
        }
        spare.listen(event -> spareEvent(spare, event));
        try {
            awaitSpareHello(spare);
        } catch (TimeoutException e) {
            spare.kill("spawn", e.getMessage());
            return; // its Lost event starts the next try
        } catch (Exception e) {
            return; // its Lost event starts the next try
        }
        metrics.workerSpawned(Duration.ofNanos(System.nanoTime() - start));
        noteWarm(warm);
        synchronized (spares) {
            if (!closed && spare.state() == Worker.State.IDLE) {
                failedSpares = 0;
                spares.add(spare);
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
    private void awaitSpareHello(Worker<T> spare) throws Exception {
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

    /** A spare's events: its loss while still a spare is the pool's business; once in a slot, the listener's too. */
    private void spareEvent(Worker<T> worker, WorkerEvent<T> event) {
        synchronized (spares) {
            if (worker.id() == Worker.SPARE) {
                if (event instanceof WorkerEvent.Lost<T>(var w, var inFlight, var reason, var detail)) {
                    spares.remove(worker);
                    noteCold(worker);
                    if (!closed) {
                        log.warn("{} lost ({}): {}", worker, reason, detail);
                        retrySpare(!worker.hello().isDone() || worker.hello().isCompletedExceptionally());
                    }
                }
                return;
            }
        }
        report(event);
    }

    /** The next spare: at once after one that was warm, with the slots' back-off after failed starts. */
    private void retrySpare(boolean failedBeforeHello) {
        long delay;
        synchronized (spares) {
            failedSpares = failedBeforeHello ? failedSpares + 1 : 0;
            delay = backoffAfter(failedSpares);
        }
        if (!closed) {
            respawner.schedule(() -> Thread.startVirtualThread(this::spawnSpare), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** True once {@link #close} has begun: workers exit because they were told to. */
    public boolean isClosed() {
        return closed;
    }

    /** True once started with at least one worker ready to take shards. */
    public boolean isReady() {
        return started && !closed && count("idle") + count("busy") > 0;
    }

    public int size() {
        return slots.length();
    }

    public List<Worker<T>> workers() {
        var list = new ArrayList<Worker<T>>(slots.length());
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                list.add(slots.get(i));
            }
        }
        return list;
    }

    /** Live workers in a state named as in the metrics: starting, idle, busy or dead; or the warm spares. */
    public int count(String state) {
        if (state.equals("spare")) {
            synchronized (spares) {
                return spares.size();
            }
        }
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            Worker<T> w = slots.get(i);
            String s = w == null ? "dead" : w.state().name().toLowerCase(java.util.Locale.ROOT);
            if (s.equals(state)) {
                n++;
            }
        }
        return n;
    }

    private void spawn(int slot) {
        if (closed) {
            return;
        }
        long start = System.nanoTime();
        Worker<T> worker;
        boolean warm = warmUp();
        try {
            int generation;
            synchronized (generations) {
                generation = slots.get(slot) == null && !started ? 0 : ++generations[slot];
            }
            worker = new Worker<>(slot, generation, launcher.start(slot, warm));
        } catch (IOException e) {
            log.error("cannot start worker {}: {}", slot, e.getMessage());
            retrySpawn(slot);
            return;
        }
        slots.set(slot, worker);
        worker.listen(this::report);
        try {
            worker.hello().get(settings.spawnTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.kill("spawn", "no hello within " + settings.spawnTimeout());
            return;
        } catch (Exception e) {
            log.warn("worker {} failed to start: {}", slot, e.getCause() == null ? e : e.getCause().getMessage());
            return; // the reader reports it lost, which schedules the next try
        }
        synchronized (failedSpawns) {
            failedSpawns[slot] = 0;
        }
        metrics.workerSpawned(Duration.ofNanos(System.nanoTime() - start));
        noteWarm(warm);
        if (closed) {
            worker.close();
        } else {
            idle.add(worker);
        }
    }

    private void retrySpawn(int slot) {
        if (!closed) {
            respawner.schedule(() -> spawn(slot), backoffMillis(slot), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The delay before the next spawn in {@code slot}: none after a worker that had said hello (a
     * new worker costs a JVM start and a warm-up, over a second, so this cannot spin), then the
     * back-off, doubling while spawns keep failing before their hello.
     */
    private long backoffMillis(int slot) {
        int failures;
        synchronized (failedSpawns) {
            failures = failedSpawns[slot]++;
        }
        return backoffAfter(failures);
    }

    /** No delay after 0 failed starts, then the back-off, doubling per failure up to its maximum. */
    private long backoffAfter(int failures) {
        if (failures == 0) {
            return 0;
        }
        long delay = settings.respawnBackoff().toMillis() << Math.min(failures - 1, 20);
        return Math.min(delay, settings.maxRespawnBackoff().toMillis());
    }

    /** Closes every worker's stdin, waits briefly for them to exit, then kills what is left. */
    @Override
    public synchronized void close() {
        if (closed) {
            return; // the dispatcher stopped the pool, and now the context closes it
        }
        closed = true;
        respawner.shutdownNow();
        List<Worker<T>> all = new ArrayList<>(workers());
        synchronized (spares) {
            all.addAll(spares);
            spares.clear();
        }
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
