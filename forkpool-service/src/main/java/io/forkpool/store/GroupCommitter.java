package io.forkpool.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The store's one writer: a thread that takes every write waiting, applies them in one
 * transaction and commits once (one fsync for many jobs and shards), then runs what each write
 * does once it is durable, in the order the writes came. A write that must not be lost (a shard's
 * partial, a job's end) is tried again with back-off while the disk refuses it (full, failing);
 * a new job's record is not: its POST is answered 503 at once.
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
    /** Writes per transaction at most: bounds a commit's time (and a failed batch's retry). */
    private static final int MAX_BATCH = 512;

    /** A change to apply inside the batch's transaction. */
    @FunctionalInterface
    interface Change {
        void apply(Connection db) throws SQLException;
    }

    /**
     * @param change the SQL
     * @param mustLand tried again until it commits (else it fails at the first refusal)
     * @param durable run after the commit, on this thread, in order
     */
    private record Write(
            Change change, boolean mustLand, boolean sync, Runnable durable, CompletableFuture<Void> done) {}

    private final Connection db;
    private final LinkedBlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final ArrayDeque<Write> retrying = new ArrayDeque<>();
    private final Thread thread;
    private final ExponentialBackOff backOff = new ExponentialBackOff(20, 2.0);
    private volatile boolean suspended;
    /** Whether the connection now fsyncs at commit (its setting since the last batch). */
    private boolean synced = true;

    private volatile boolean closed;
    /** The last refusal, while writes are being refused; null when the last commit went through. */
    private volatile String refusal;

    GroupCommitter(Connection db) {
        this.db = db;
        backOff.setMaxInterval(1_000);
        this.thread = Thread.ofPlatform().daemon().name("store-writer").start(this::run);
    }

    /** Queues a write; the future completes once it is durable, or fails if it was refused. */
    CompletableFuture<Void> write(Change change, boolean mustLand, Runnable durable) {
        return write(change, mustLand, true, durable);
    }

    /**
     * As above; with {@code sync} false the write needs no fsync of its own (what can be made
     * again after a crash: a job's end from its saved partials, its RUNNING mark): a batch of such
     * writes only commits (SQLite's {@code synchronous=NORMAL} in WAL mode: safe against a crash
     * of the process, and the next synced commit makes it durable against a power loss too).
     */
    CompletableFuture<Void> write(Change change, boolean mustLand, boolean sync, Runnable durable) {
        var write = new Write(change, mustLand, sync, durable, new CompletableFuture<>());
        if (suspended || closed) {
            write.done.completeExceptionally(new StoreException("the store is closing"));
        } else {
            queue.add(write);
        }
        return write.done;
    }

    /** Completes once every write queued before it is durable. */
    CompletableFuture<Void> barrier() {
        return write(db -> {}, true, () -> {});
    }

    /** Why writes are refused now, or null. */
    String refusal() {
        return refusal;
    }

    /**
     * From now on nothing more is written: what changes in memory after this (workers stopped at
     * shutdown, deadlines) stays out of the store, which keeps the jobs as they were for the next start.
     */
    void suspend() {
        suspended = true;
    }

    private void run() {
        var batch = new ArrayList<Write>();
        BackOffExecution pause = null;
        while (!closed || !queue.isEmpty()) {
            try {
                batch.clear();
                batch.addAll(retrying);
                retrying.clear();
                if (batch.isEmpty()) {
                    Write first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                }
                queue.drainTo(batch, MAX_BATCH - batch.size());
                if (suspended) {
                    batch.forEach(w -> w.done.completeExceptionally(new StoreException("the store is closing")));
                    continue;
                }
                if (commit(batch)) {
                    pause = null;
                    refusal = null;
                    for (Write w : batch) {
                        finish(w);
                    }
                    continue;
                }
                // Refused as a whole: each write alone, so one that cannot land does not hold the others.
                for (Write w : batch) {
                    if (commit(List.of(w))) {
                        finish(w);
                    } else if (w.mustLand() && !closed && !refusal.startsWith("a write failed: ")) {
                        retrying.add(w);
                    } else {
                        w.done.completeExceptionally(new StoreException(refusal));
                    }
                }
                if (!retrying.isEmpty()) {
                    pause = pause == null ? backOff.start() : pause;
                    Thread.sleep(pause.nextBackOff());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("store writer: unexpected failure; it goes on", e);
            }
        }
    }

    private static void finish(Write w) {
        try {
            w.durable().run();
        } catch (RuntimeException e) {
            log.error("store writer: an action after a commit failed", e);
        }
        w.done.complete(null);
    }

    /** One transaction of these writes; false (rolled back, {@link #refusal} set) if it did not commit. */
    private boolean commit(List<Write> writes) {
        // Explicit BEGIN/COMMIT on a connection left in auto-commit: SQLite rolls a transaction back
        // by itself on some errors (SQLITE_FULL), and the driver's own transaction state would then
        // disagree with the database's; each batch starts afresh here.
        try (Statement sql = db.createStatement()) {
            boolean sync = writes.stream().anyMatch(Write::sync);
            if (sync != synced) {
                sql.execute(sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
                synced = sync;
            }
            sql.execute("BEGIN IMMEDIATE");
            for (Write w : writes) {
                w.change().apply(db);
            }
            sql.execute("COMMIT");
            return true;
        } catch (SQLException | RuntimeException e) {
            // a RuntimeException is a bug in a write, not the disk: it is rolled back like a refusal,
            // so the connection is not left inside a transaction, and that write alone then fails
            String was = refusal;
            refusal = e instanceof SQLException sql ? describe(sql) : "a write failed: " + e;
            if (!refusal.equals(was)) {
                log.warn("store: writes refused: {}", refusal);
            }
            try (Statement sql = db.createStatement()) {
                sql.execute("ROLLBACK");
            } catch (SQLException alreadyRolledBack) {
                // SQLite ended the transaction itself
            }
            return false;
        }
    }

    /** A refusal in words a reader of the 503 can act on. */
    static String describe(SQLException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("SQLITE_FULL") || message.contains("disk is full")) {
            return "the disk of the data folder is full (" + message + ")";
        }
        return message;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(10_000);
        retrying.forEach(w -> w.done.completeExceptionally(new StoreException("the store closed")));
        queue.forEach(w -> w.done.completeExceptionally(new StoreException("the store closed")));
    }

    /** A write the store refused. */
    static final class StoreException extends RuntimeException {
        StoreException(String message) {
            super(message);
        }
    }
}
