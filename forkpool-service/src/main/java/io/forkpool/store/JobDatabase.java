package io.forkpool.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.sqlite.SQLiteConfig;

/**
 * The data folder: a SQLite database in WAL mode with {@code synchronous=FULL} (a commit returns
 * once its log is fsynced), opened by one service at a time. One connection writes (through
 * {@link GroupCommitter}); a few others read, beside it, what was committed.
 */
final class JobDatabase implements AutoCloseable {

    static final String FILE = "forkpool.db";
    static final String LOCK = "forkpool.lock";
    /**
     * 2: the jobs' webhook ({@code notify}) and its {@code deliveries}; jobs.batch and the batches
     * table. 3: jobs.tenant (its owner; null in a row of before, the default tenant's) and
     * jobs.priority (null: normal).
     */
    private static final int SCHEMA = 3;

    private final Path dir;
    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Connection writer;
    private final BlockingQueue<Connection> readers;

    private JobDatabase(
            Path dir, FileChannel lockChannel, FileLock lock, Connection writer, BlockingQueue<Connection> readers) {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.writer = writer;
        this.readers = readers;
    }

    /**
     * Opens (or creates) the store in {@code dir}. Refuses, with what to do, a folder that cannot be
     * made or written, one that another service holds, and a database file that is not one or is
     * damaged: the service never starts empty over a store it could not read.
     */
    static JobDatabase open(Path dir, int readerCount) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new StoreUnusableException("the data folder " + abs + " cannot be created (" + e
                    + "): make it writable for the service's user, or set forkpool.store.dir to another folder");
        }
        FileChannel channel;
        FileLock lock;
        Path lockFile = abs.resolve(LOCK);
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = tryLock(channel);
        } catch (IOException e) {
            throw new StoreUnusableException("the data folder " + abs + " cannot be written (" + e
                    + "): make it writable for the service's user, or set forkpool.store.dir to another folder");
        }
        if (lock == null) {
            close(channel);
            throw new StoreUnusableException(
                    "the data folder " + abs + " is in use by another forkpool service (it holds " + lockFile
                            + "): stop that one, or give this one its own forkpool.store.dir");
        }
        Path file = abs.resolve(FILE);
        Connection writer = null;
        var readers = new ArrayBlockingQueue<Connection>(readerCount);
        try {
            writer = connect(file, false);
            check(writer, file);
            createSchema(writer, file);
            for (int i = 0; i < readerCount; i++) {
                readers.add(connect(file, true));
            }
            return new JobDatabase(abs, channel, lock, writer, readers);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(writer);
            readers.forEach(JobDatabase::closeQuietly);
            close(channel);
            if (e instanceof StoreUnusableException unusable) {
                throw unusable;
            }
            throw new StoreUnusableException(unreadable(file, e.getMessage()));
        }
    }

    /** Null when another holds it: another process, or another store of this JVM. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    private static String unreadable(Path file, String why) {
        return "the job store " + file + " cannot be read (" + why + "). forkpool will not start over it: restore the "
                + "folder from a backup, or move " + file + " and its -wal file away to start with an empty store";
    }

    private static Connection connect(Path file, boolean readOnly) throws SQLException {
        var config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(5_000);
        config.setReadOnly(readOnly);
        // a checkpointed log is cut back to this size, so a burst of writes does not keep its disk
        config.setJournalSizeLimit(64 << 20);
        return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    }

    /** A file that is not a database, or a damaged one, stops the start here. */
    private static void check(Connection db, Path file) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
            String verdict = rs.next() ? rs.getString(1) : "no answer";
            if (!"ok".equals(verdict)) {
                throw new StoreUnusableException(unreadable(file, "SQLite's quick_check: " + verdict));
            }
        }
    }

    private static void createSchema(Connection db, Path file) throws SQLException {
        try (Statement s = db.createStatement()) {
            int version;
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version > SCHEMA) {
                throw new StoreUnusableException("the job store " + file + " was written by a newer forkpool (schema "
                        + version + ", this one reads " + SCHEMA
                        + "): run that version, or give this one another forkpool.store.dir");
            }
            s.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS jobs (
                      seq INTEGER PRIMARY KEY,
                      id TEXT NOT NULL UNIQUE,
                      type TEXT NOT NULL,
                      status TEXT NOT NULL,
                      request TEXT NOT NULL,
                      timeout_seconds INTEGER,
                      submitted_at INTEGER NOT NULL,
                      started_at INTEGER,
                      finished_at INTEGER,
                      shards_done INTEGER NOT NULL DEFAULT 0,
                      shards_total INTEGER NOT NULL,
                      compute_nanos INTEGER NOT NULL DEFAULT 0,
                      error TEXT,
                      merged BLOB,
                      timeline TEXT,
                      notify TEXT,
                      batch TEXT,
                      partial_units INTEGER,
                      tenant TEXT,
                      priority TEXT)""");
            var columns = new java.util.HashSet<String>();
            try (ResultSet rs = s.executeQuery("PRAGMA table_info(jobs)")) {
                while (rs.next()) {
                    columns.add(rs.getString("name"));
                }
            }
            for (String added : java.util.List.of("notify", "batch", "tenant", "priority")) { // schema 1 or 2
                if (!columns.contains(added)) {
                    s.executeUpdate("ALTER TABLE jobs ADD COLUMN " + added + " TEXT");
                }
            }
            if (!columns.contains("partial_units")) { // a store before partial results
                s.executeUpdate("ALTER TABLE jobs ADD COLUMN partial_units INTEGER");
            }
            s.executeUpdate("CREATE INDEX IF NOT EXISTS jobs_by_batch ON jobs (batch, seq) WHERE batch IS NOT NULL");
            s.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS batches (
                      id TEXT PRIMARY KEY,
                      size INTEGER NOT NULL,
                      created_at INTEGER NOT NULL,
                      key TEXT UNIQUE,
                      body TEXT) WITHOUT ROWID""");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, seq)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS jobs_by_tenant ON jobs (tenant, seq)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS jobs_by_type ON jobs (type, seq)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS jobs_by_status_type ON jobs (status, type, seq)");
            s.executeUpdate(
                    "CREATE INDEX IF NOT EXISTS jobs_by_end ON jobs (finished_at) WHERE finished_at IS NOT NULL");
            s.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS partials (
                      job_id TEXT NOT NULL,
                      shard INTEGER NOT NULL,
                      partial BLOB NOT NULL,
                      compute_nanos INTEGER NOT NULL,
                      PRIMARY KEY (job_id, shard)) WITHOUT ROWID""");
            s.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS idempotency (
                      key TEXT PRIMARY KEY,
                      body TEXT NOT NULL,
                      job_id TEXT NOT NULL) WITHOUT ROWID""");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS idempotency_by_job ON idempotency (job_id)");
            s.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS deliveries (
                      job_id TEXT NOT NULL,
                      attempt INTEGER NOT NULL,
                      entry TEXT NOT NULL,
                      PRIMARY KEY (job_id, attempt)) WITHOUT ROWID""");
            s.executeUpdate("PRAGMA user_version = " + SCHEMA);
        }
    }

    /** The writer's statements by their SQL, prepared once (the writer's thread only). */
    private final java.util.Map<String, PreparedStatement> writing = new java.util.HashMap<>();

    /**
     * The writer's prepared statement for {@code sql}, made once and kept open: SQLite compiles a
     * statement when it is prepared, which on the small-job path cost more than running it.
     * Called on the writer's thread only, with its connection.
     */
    PreparedStatement writing(Connection c, String sql) throws SQLException {
        if (c != writer) {
            throw new IllegalStateException("the writer's statements are for its own connection");
        }
        PreparedStatement q = writing.get(sql);
        if (q == null) {
            q = writer.prepareStatement(sql);
            writing.put(sql, q);
        }
        return q;
    }

    /** The writer's connection, for {@link GroupCommitter} alone. */
    Connection writer() {
        return writer;
    }

    /** Runs a read on one of the reading connections. */
    <T> T read(Query<T> query) {
        Connection db;
        try {
            db = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the store", e);
        }
        try {
            return query.run(db);
        } catch (SQLException e) {
            throw new IllegalStateException("the job store could not be read: " + e.getMessage(), e);
        } finally {
            readers.add(db);
        }
    }

    @FunctionalInterface
    interface Query<T> {
        T run(Connection db) throws SQLException;
    }

    /** Bytes on disk: the database and its write-ahead log. */
    long bytes() {
        long n = 0;
        for (Path p : List.of(file, dir.resolve(FILE + "-wal"))) {
            try {
                n += Files.size(p);
            } catch (IOException e) {
                // a log not there (yet) weighs nothing
            }
        }
        return n;
    }

    Path file() {
        return file;
    }

    static List<Object[]> rows(PreparedStatement statement, int columns) throws SQLException {
        var rows = new ArrayList<Object[]>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Object[] row = new Object[columns];
                for (int c = 0; c < columns; c++) {
                    row[c] = rs.getObject(c + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Override
    public void close() {
        readers.forEach(JobDatabase::closeQuietly);
        closeQuietly(writer);
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close releases it too
        }
        close(lockChannel);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing held any more
        }
    }

    /** The data folder cannot be used: the start stops with this message. */
    static final class StoreUnusableException extends RuntimeException {
        StoreUnusableException(String message) {
            super(message);
        }
    }
}
