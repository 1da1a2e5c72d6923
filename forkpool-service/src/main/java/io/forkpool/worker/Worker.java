package io.forkpool.worker;

import io.forkpool.worker.protocol.FrameCodec;
import io.forkpool.worker.protocol.Message;
import io.forkpool.worker.protocol.ProtocolException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parent's handle on one worker process: its pipes, the shard it holds and two daemon
 * threads, one reading answer frames from stdout, one copying stderr into the log. A worker that
 * fails in any way is reported lost ({@link WorkerListener#lost}) once and never used again.
 */
public final class Worker<T> {

    /**
     * What a worker is doing, as the {@code forkpool.workers} gauge counts it. {@code DEAD} is also
     * a slot without a live worker; {@code SPARE} a warm spare that holds no slot yet.
     */
    public enum State {
        STARTING,
        IDLE,
        BUSY,
        DEAD,
        SPARE
    }

    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    /** The slot; {@link #SPARE} until a spare is moved into one. */
    private volatile int id;

    private volatile int generation;
    private final Process process;
    private final OutputStream stdin;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final AtomicLong shardsCompleted = new AtomicLong();
    private final AtomicReference<Assignment<T>> inFlight = new AtomicReference<>();
    private final CompletableFuture<Worker<T>> hello = new CompletableFuture<>();
    private volatile State state = State.STARTING;
    private volatile String killReason;

    Worker(int id, int generation, Process process) {
        this.id = id;
        this.generation = generation;
        this.process = process;
        this.stdin = new BufferedOutputStream(process.getOutputStream(), 1 << 12);
    }

    /** The id of a spare: a warm worker that holds no slot yet. */
    static final int SPARE = -1;

    /** Moves a spare into {@code slot}: from now on its events and its name are that slot's. */
    void assign(int slot, int generation) {
        this.generation = generation;
        this.id = slot;
    }

    /** Starts the reader threads; events go to {@code events}, its pool. */
    void listen(Consumer<WorkerEvent<T>> events) {
        Thread.ofPlatform().daemon().name(name() + "-stdout").start(() -> readAnswers(events));
        Thread.ofPlatform().daemon().name(name() + "-stderr").start(this::drainStderr);
    }

    public int id() {
        return id;
    }

    /** How many times this slot's worker was replaced before this one. */
    public int generation() {
        return generation;
    }

    public long pid() {
        return process.pid();
    }

    public State state() {
        State now = state;
        return now == State.IDLE && id == SPARE ? State.SPARE : now;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public long shardsCompleted() {
        return shardsCompleted.get();
    }

    public Assignment<T> inFlight() {
        return inFlight.get();
    }

    CompletableFuture<Worker<T>> hello() {
        return hello;
    }

    /**
     * Hands the worker a shard. Returns false if the worker was already dead, in which case the
     * caller still owns the shard; otherwise the shard comes back as an answer or with
     * {@link WorkerListener#lost}.
     */
    public boolean send(Assignment<T> assignment, Message.Run run) {
        inFlight.set(assignment);
        if (state == State.DEAD) {
            // The reader sets DEAD before it takes inFlight, so exactly one of us owns the shard.
            return !inFlight.compareAndSet(assignment, null);
        }
        state = State.BUSY;
        try {
            synchronized (stdin) {
                FrameCodec.write(stdin, run);
            }
        } catch (IOException e) {
            kill("crash", "cannot write to worker: " + e.getMessage());
        }
        return true;
    }

    /** Kills the process; the reader thread then reports it lost, with this reason. */
    public void kill(String reason, String detail) {
        if (killReason == null) {
            killReason = reason + "\0" + detail;
        }
        process.destroyForcibly();
    }

    /** Closes stdin: a healthy worker exits by itself. */
    void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    Process process() {
        return process;
    }

    void markIdle() {
        if (state != State.DEAD) {
            state = State.IDLE;
        }
    }

    private void readAnswers(Consumer<WorkerEvent<T>> events) {
        String reason = "crash";
        String detail;
        try (var in = new BufferedInputStream(process.getInputStream(), 1 << 12)) {
            Message first = FrameCodec.read(in);
            if (first == null) {
                reason = "spawn";
                throw new EOFException("exited before its hello");
            }
            if (!(first instanceof Message.Hello(int version, long pid)) || version != Message.VERSION) {
                throw new ProtocolException("expected hello version " + Message.VERSION + ", got " + first);
            }
            log.debug("worker {} (pid {}) ready in {} ms", id, pid, (System.nanoTime() - startNanos) / 1_000_000);
            state = State.IDLE;
            hello.complete(this);
            Message answer;
            while ((answer = FrameCodec.read(in)) != null) {
                long ticket = switch (answer) {
                    case Message.Done done -> done.ticket();
                    case Message.Failed failed -> failed.ticket();
                    default -> throw new ProtocolException("unexpected frame " + answer);
                };
                Assignment<T> assignment = inFlight.get();
                if (assignment == null || assignment.ticket() != ticket || !inFlight.compareAndSet(assignment, null)) {
                    throw new ProtocolException("answer for ticket " + ticket + " that the worker does not hold");
                }
                if (answer instanceof Message.Done) {
                    shardsCompleted.incrementAndGet();
                }
                events.accept(new WorkerEvent.Answered<>(this, assignment, answer));
            }
            detail = "worker closed its output";
        } catch (ProtocolException e) {
            reason = "protocol";
            detail = "garbage from worker: " + e.getMessage();
            process.destroyForcibly();
        } catch (EOFException e) {
            reason = reason.equals("spawn") ? reason : "protocol";
            detail = reason.equals("spawn") ? e.getMessage() : "truncated frame from worker: " + e.getMessage();
            process.destroyForcibly();
        } catch (IOException e) {
            detail = "cannot read from worker: " + e.getMessage();
            process.destroyForcibly();
        }
        int exit = waitForExit();
        String killed = killReason;
        if (killed != null) {
            reason = killed.substring(0, killed.indexOf('\0'));
            detail = killed.substring(killed.indexOf('\0') + 1);
        }
        state = State.DEAD;
        detail = detail + " (exit code " + exit
                + (exit == io.forkpool.worker.child.WorkerMain.EXIT_OUT_OF_MEMORY
                        ? ": its kernel ran out of memory"
                        : "")
                + ")";
        hello.completeExceptionally(new IOException("worker " + id + " died before hello: " + detail));
        events.accept(new WorkerEvent.Lost<>(this, inFlight.getAndSet(null), reason, detail));
    }

    private int waitForExit() {
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return process.waitFor();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void drainStderr() {
        try (var err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                log.info("[{} pid {}] {}", name(), process.pid(), line);
            }
        } catch (IOException ignored) {
            // the process is gone; the stdout reader reports it
        }
    }

    private String name() {
        return id == SPARE ? "worker-spare" : "worker-" + id;
    }

    @Override
    public String toString() {
        return name() + " (pid " + process.pid() + ")";
    }
}
