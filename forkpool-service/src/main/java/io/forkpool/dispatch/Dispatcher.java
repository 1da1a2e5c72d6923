package io.forkpool.dispatch;

import io.forkpool.kind.api.WorkUnits;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.RequestFields;
import io.forkpool.worker.Assignment;
import io.forkpool.worker.Worker;
import io.forkpool.worker.WorkerListener;
import io.forkpool.worker.WorkerPool;
import io.forkpool.worker.protocol.Message;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Feeds idle workers from the fair shard queue, one shard per worker at a time, and enforces
 * each shard's deadline (a worker that stops answering, the tutorial's deadlock, is killed and
 * its shard retried). Starts the worker pool with the application and stops it last, and is the
 * one listener the pool reports to (answers and lost workers go one way: up). The shards
 * come from a {@link ShardTransport}: this JVM's queue, or a stream shared by replicas.
 */
public class Dispatcher implements SmartLifecycle, WorkerListener<ShardTask> {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final ShardSettings settings;
    private final ShardTransport shards;
    private final ShardOutcomes outcomes;
    private final WorkerPool<ShardTask> pool;
    private final AtomicLong tickets = new AtomicLong();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("shard-deadlines").factory());
    private Thread dispatchThread;
    private volatile boolean running;

    /** A dispatcher with its own in-JVM queue (the embedded backend). */
    public Dispatcher(WorkerPool<ShardTask> pool, ShardSettings settings, ForkpoolMetrics metrics) {
        this(pool, settings, metrics, new ShardQueue());
    }

    /** Feeds {@code pool}'s workers from {@code shards}; the pool reports to this dispatcher from now on. */
    public Dispatcher(
            WorkerPool<ShardTask> pool, ShardSettings settings, ForkpoolMetrics metrics, ShardTransport shards) {
        this(pool, settings, metrics, shards, AttemptListener.NONE);
    }

    /** As above, and {@code attempts} hears of every shard try as it ends. */
    public Dispatcher(
            WorkerPool<ShardTask> pool,
            ShardSettings settings,
            ForkpoolMetrics metrics,
            ShardTransport shards,
            AttemptListener attempts) {
        this.settings = settings;
        this.shards = shards;
        this.outcomes = new ShardOutcomes(shards, settings, metrics, attempts);
        this.pool = pool;
        metrics.shardsQueued(shards, ShardTransport::queued);
        pool.listen(this);
    }

    /** Queues a job's shards; they go out in turn with every other job's. */
    public <W extends ShardSource & ShardSink> void submit(W job) {
        shards.add(job);
    }

    /** Starts the worker processes now; {@link #start} waits for them (see {@link WorkerPool#prestart}). */
    public void prestart() {
        pool.prestart();
    }

    public List<Worker<ShardTask>> workers() {
        return pool.workers();
    }

    /** Starts the warm spares; the service calls this once it is ready, so they do not slow its start. */
    void startSpares() {
        if (running) {
            pool.startSpares();
        }
    }

    /** The worker's last compute rate over the other workers' median on the same work, or null before one. */
    public Double relativeSpeed(Worker<ShardTask> worker) {
        return pool.relativeSpeed(worker);
    }

    public List<Worker<ShardTask>> spares() {
        return pool.spares();
    }

    public boolean isReady() {
        return running && pool.isReady();
    }

    public long shardsQueued() {
        return shards.queued();
    }

    @Override
    public void start() {
        pool.start();
        running = true;
        dispatchThread = Thread.ofPlatform().daemon().name("shard-dispatcher").start(this::dispatchLoop);
        watchdog.scheduleWithFixedDelay(this::killOverdue, 100, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        watchdog.shutdownNow();
        if (dispatchThread != null) {
            dispatchThread.interrupt();
        }
        pool.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Start before the web server takes requests; stop after it has stopped taking them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE / 2;
    }

    private void dispatchLoop() {
        while (running) {
            try {
                Worker<ShardTask> worker = pool.takeIdle();
                assign(worker, shards.take(Math.max(1, pool.count(Worker.State.IDLE))));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("dispatcher failed on a shard; it goes on", e);
            }
        }
    }

    /**
     * A worker answered (called on its reader thread): it gets its next shard first, so it
     * computes while the answer is merged.
     */
    @Override
    public void answered(Worker<ShardTask> worker, Assignment<ShardTask> assignment, Message answer) {
        try {
            if (!replacedForSlowness(worker, assignment.task(), answer)) {
                freed(worker);
            }
        } catch (RuntimeException e) {
            log.error("dispatcher failed to refill {}; it goes on", worker, e);
        }
        outcomes.answered(worker, assignment, answer);
    }

    /** A worker is gone; the pool has already replaced it. */
    @Override
    public void lost(Worker<ShardTask> worker, Assignment<ShardTask> inFlight, String reason, String detail) {
        outcomes.lost(worker, inFlight, reason, detail);
    }

    /** True if {@code worker}, slow against the others on this work, just gave its slot to a warm spare. */
    private boolean replacedForSlowness(Worker<ShardTask> worker, ShardTask task, Message answer) {
        if (!(answer instanceof Message.Done done)) {
            return false;
        }
        var request = task.sink().request();
        // judged on the kernel's CPU time: a busy machine's scheduling slows every worker by turns
        long nanos = done.cpuNanos() >= 0 ? done.cpuNanos() : done.computeNanos();
        if (nanos < WorkerPool.MIN_MEASURED_NANOS) {
            return false;
        }
        return pool.computed(worker, work(request), request.shardUnits(task.shard()), nanos);
    }

    /**
     * What a shard's cost per unit depends on: its kind and every parameter but the job's size (the
     * {@link WorkUnits} field), so jobs of one kind that differ only in size compare with each other.
     */
    static List<Object> work(JobRequest request) {
        var params = new HashMap<>(RequestFields.asMap(request.params()));
        for (RecordComponent c : request.params().getClass().getRecordComponents()) {
            if (RequestFields.has(c, WorkUnits.class)) {
                params.remove(c.getName());
            }
        }
        return List.of(request.type(), params);
    }

    /**
     * Hands a worker that answered the next shard at once if one is queued, so a busy pool keeps
     * its workers fed without waking the dispatcher thread; else back to the idle workers, where
     * the dispatcher finds it.
     */
    private void freed(Worker<ShardTask> worker) {
        ShardTask task = running ? shards.poll() : null;
        if (task == null) {
            pool.release(worker);
            return;
        }
        assign(worker, task);
    }

    /** Sends {@code task} to {@code worker}, which holds nothing. */
    private void assign(Worker<ShardTask> worker, ShardTask task) {
        if (task.sink().isFinished()) {
            pool.release(worker);
            task.sink().skipped(task.shard());
            return;
        }
        task.sink().dispatched();
        long ticket = tickets.incrementAndGet();
        long now = System.nanoTime();
        var assignment =
                new Assignment<>(task, ticket, now, now + settings.timeout().toNanos());
        if (!worker.send(assignment, new Message.Run(ticket, task.sink().request(), task.shard()))) {
            shards.retry(task); // the worker died while idle: not this shard's fault
        }
    }

    private void killOverdue() {
        long now = System.nanoTime();
        for (Worker<ShardTask> worker : pool.workers()) {
            Assignment<ShardTask> held = worker.inFlight();
            if (held != null && now - held.deadlineNanos() > 0) {
                worker.kill(
                        "timeout", "shard " + held.task().shard() + " passed its deadline of " + settings.timeout());
            }
        }
    }
}
