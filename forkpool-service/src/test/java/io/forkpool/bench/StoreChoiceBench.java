package io.forkpool.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The embedded store's database chosen by measurement: SQLite (WAL, synchronous=FULL: the WAL is
 * fsynced at every commit) against H2's MVStore (a file database, default settings: a commit stays
 * in memory and is written by a background thread within WRITE_DELAY = 500 ms, never fsynced), the
 * same workload through JDBC, the engines alternated in every round. A third row, "h2 synced"
 * (WRITE_DELAY=0 and CHECKPOINT SYNC after each commit), shows what H2 costs when it is made as
 * durable as SQLite; it takes part in the grouped commits only.
 *
 * <ol>
 *   <li>Grouped commits from one writer thread: per tiny job an insert, its partial and the
 *       update to finished; 1, 16 or 128 jobs per commit: jobs/s, commit latency.
 *   <li>{@code rows} finished jobs: the first page, a filtered page, its count, a point lookup.
 *   <li>Space reuse: the oldest half deleted and as many inserted: the files' size.
 *   <li>Heap used after opening the database and after a full scan.
 * </ol>
 *
 * Prints one TSV line per figure and round, then medians and ratios. Asserts nothing.
 *
 * <pre>bench/store-choice.sh [rounds=3] [rows=1000000] [secondsPerBatchSize=1.5] [rowRounds=2]</pre>
 *
 * The first {@code rowRounds} rounds also run the {@code rows} part (H2 loads a million rows in
 * minutes). For the query figures H2's result reuse is off (a query repeated on an unchanged
 * database returns the previous result; in the service the database changes between reads).
 */
public class StoreChoiceBench {

    static final String[] TYPES = {"pi", "projectile", "dice", "sine", "smallest-multiple"};
    static final int[] BATCHES = {1, 16, 128};
    static final int CHUNK = 10_000; // rows per transaction when loading or deleting in bulk

    /** One database under test: how to open it, its column types, its files. */
    record Engine(String name, boolean sqlite, boolean syncEachCommit) {

        String url(Path dir) {
            return sqlite
                    ? "jdbc:sqlite:" + dir.resolve("store.db")
                    : "jdbc:h2:file:" + dir.resolve("store") + (syncEachCommit ? ";WRITE_DELAY=0" : "");
        }

        Connection writer(Path dir) throws SQLException {
            Connection c = DriverManager.getConnection(url(dir));
            if (sqlite) {
                exec(c, "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL");
            }
            c.setAutoCommit(false);
            return c;
        }

        Connection reader(Path dir) throws SQLException {
            Connection c = DriverManager.getConnection(url(dir));
            if (!sqlite) {
                exec(c, "SET OPTIMIZE_REUSE_RESULTS 0");
            }
            return c;
        }

        void commit(Connection c) throws SQLException {
            c.commit();
            if (syncEachCommit) {
                exec(c, "CHECKPOINT SYNC"); // H2: FileChannel.force(true) on the store's file
            }
        }

        List<String> schema() {
            String integer = sqlite ? "INTEGER" : "BIGINT";
            String text = sqlite ? "TEXT" : "CHARACTER VARYING";
            String blob = sqlite ? "BLOB" : "VARBINARY";
            return List.of(
                    "CREATE TABLE jobs(seq " + integer + " PRIMARY KEY, id " + text + " NOT NULL UNIQUE, type "
                            + text + " NOT NULL, status " + text + " NOT NULL, request " + text
                            + " NOT NULL, submitted_at " + integer + " NOT NULL, started_at " + integer
                            + ", finished_at " + integer + ", error " + text + ", merged " + blob
                            + ", compute_nanos " + integer + ", timeline " + text + ")",
                    "CREATE TABLE partials(job_id " + text + " NOT NULL, shard " + integer + " NOT NULL, bytes " + blob
                            + " NOT NULL, nanos " + integer + " NOT NULL, PRIMARY KEY(job_id, shard))",
                    "CREATE TABLE idempotency(idempotency_key " + text + " PRIMARY KEY, body " + text
                            + " NOT NULL, job_id " + text + " NOT NULL)",
                    "CREATE INDEX jobs_status_seq ON jobs(status, seq)",
                    "CREATE INDEX jobs_type_seq ON jobs(type, seq)");
        }

        /** The database's files and their sizes in bytes (SQLite: the main file and its WAL). */
        Map<String, Long> files(Path dir) throws IOException {
            Map<String, Long> sizes = new LinkedHashMap<>();
            for (String f : sqlite ? List.of("store.db", "store.db-wal") : List.of("store.mv.db")) {
                Path p = dir.resolve(f);
                sizes.put(f, Files.exists(p) ? Files.size(p) : 0L);
            }
            return sizes;
        }
    }

    static final Engine SQLITE = new Engine("sqlite", true, false);
    static final Engine H2 = new Engine("h2", false, false);
    static final Engine H2_SYNCED = new Engine("h2 synced", false, true);

    /** figure name → engine → one value per round. */
    static final Map<String, Map<String, List<Double>>> FIGURES = new LinkedHashMap<>();

    static void record(String figure, Engine e, int round, double value) {
        FIGURES.computeIfAbsent(figure, k -> new LinkedHashMap<>())
                .computeIfAbsent(e.name(), k -> new ArrayList<>())
                .add(value);
        System.out.printf("%d\t%s\t%s\t%.3f%n", round, e.name(), figure, value);
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 1.5;
        int rowRounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Path base = Path.of(System.getProperty("store.dir", "forkpool-service/target"))
                .toAbsolutePath();
        Files.createDirectories(base);
        System.out.println("data under " + base + ", " + rounds + " rounds, " + rows + " rows");
        System.out.println("round\tengine\tfigure\tvalue");
        List<Double> fsyncs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            fsyncs.add(fsyncMs(base));
            System.out.printf("%d\tdisk\t4 KiB append + fsync, median ms\t%.3f%n", round, fsyncs.getLast());
            for (Engine e : List.of(SQLITE, H2, H2_SYNCED)) {
                Path dir = Files.createTempDirectory(base, "store-choice-");
                try {
                    groupedCommits(e, dir, round, seconds);
                } finally {
                    delete(dir);
                }
            }
            for (Engine e : round <= rowRounds ? List.of(SQLITE, H2) : List.<Engine>of()) {
                Path dir = Files.createTempDirectory(base, "store-choice-");
                try {
                    manyRows(e, dir, round, rows);
                } finally {
                    delete(dir);
                }
            }
        }
        System.out.printf(
                "%n4 KiB append + FileChannel.force(false), median over rounds of the median of 200: %.3f ms%n",
                medianOf(fsyncs));
        summary();
    }

    /** What this disk takes to make 4 KiB durable: the floor of a durable commit. */
    static double fsyncMs(Path base) throws IOException {
        Path f = Files.createTempFile(base, "fsync-", ".bin");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            List<Long> nanos = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                long t = System.nanoTime();
                ch.write(ByteBuffer.allocate(4096));
                ch.force(false);
                nanos.add(System.nanoTime() - t);
            }
            return percentile(nanos, 50) / 1e6;
        } finally {
            Files.delete(f);
        }
    }

    /** Tiny jobs written by one thread, {@code batch} jobs per commit, for about {@code seconds} each. */
    static void groupedCommits(Engine e, Path dir, int round, double seconds) throws SQLException {
        try (Connection c = e.writer(dir)) {
            exec(c, e.schema().toArray(String[]::new));
            e.commit(c);
            long seq = 0;
            Random random = new Random(round);
            try (PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO jobs(seq, id, type, status, request, submitted_at) VALUES (?, ?, ?, 'QUEUED', ?, ?)");
                    PreparedStatement partial = c.prepareStatement(
                            "INSERT INTO partials(job_id, shard, bytes, nanos) VALUES (?, 0, ?, ?)");
                    PreparedStatement finish = c.prepareStatement(
                            "UPDATE jobs SET status = 'SUCCEEDED', started_at = ?, finished_at = ?, merged = ?,"
                                    + " compute_nanos = ?, timeline = ? WHERE seq = ?")) {
                for (int batch : BATCHES) {
                    List<Long> commitNanos = new ArrayList<>();
                    long jobs = 0;
                    long start = System.nanoTime();
                    long end = start + (long) (seconds * 1e9);
                    while (System.nanoTime() < end) {
                        for (int i = 0; i < batch; i++) {
                            Job j = Job.random(++seq, random);
                            insert.setLong(1, j.seq());
                            insert.setString(2, j.id());
                            insert.setString(3, j.type());
                            insert.setString(4, j.request());
                            insert.setLong(5, j.submittedAt());
                            insert.executeUpdate();
                            partial.setString(1, j.id());
                            partial.setBytes(2, j.merged());
                            partial.setLong(3, j.computeNanos());
                            partial.executeUpdate();
                            finish.setLong(1, j.submittedAt() + 1);
                            finish.setLong(2, j.submittedAt() + 3);
                            finish.setBytes(3, j.merged());
                            finish.setLong(4, j.computeNanos());
                            finish.setString(5, j.timeline());
                            finish.setLong(6, j.seq());
                            finish.executeUpdate();
                        }
                        long t = System.nanoTime();
                        e.commit(c);
                        commitNanos.add(System.nanoTime() - t);
                        jobs += batch;
                    }
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    record("batch " + batch + ": jobs/s", e, round, jobs / elapsed);
                    record("batch " + batch + ": commit median ms", e, round, percentile(commitNanos, 50) / 1e6);
                    record("batch " + batch + ": commit p99 ms", e, round, percentile(commitNanos, 99) / 1e6);
                }
            }
        }
    }

    /** {@code rows} finished jobs: queries, heap and space reuse. */
    static void manyRows(Engine e, Path dir, int round, int rows) throws Exception {
        Random random = new Random(42);
        try (Connection c = e.writer(dir)) {
            exec(c, e.schema().toArray(String[]::new));
            c.commit();
            long t = System.nanoTime();
            load(c, 1, rows, random);
            record("load: rows/s (" + CHUNK + " per commit)", e, round, rows / ((System.nanoTime() - t) / 1e9));
        }
        record("size MB, " + rows + " rows", e, round, totalMb(e, dir));

        // All connections closed (H2 closes the database with the last one): open it again.
        long heapBefore = heapAfterGc();
        long t = System.nanoTime();
        try (Connection r = e.reader(dir)) {
            record("open ms", e, round, (System.nanoTime() - t) / 1e6);
            record("first page after open ms", e, round, time(() -> page(r)));
            record("heap MB after open + queries", e, round, (heapAfterGc() - heapBefore) / 1e6);
            try (Statement s = r.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), sum(length(timeline)) FROM jobs")) {
                rs.next();
            }
            record("heap MB after a full scan", e, round, (heapAfterGc() - heapBefore) / 1e6);
            warmQueries(e, r, round, rows);
            if (round == 1) {
                printCacheSettings(e, r);
                explain(e, r);
            }
        }

        // Space reuse: the oldest half deleted (as retention would), as many new jobs inserted.
        try (Connection c = e.writer(dir)) {
            int half = rows / 2;
            try (PreparedStatement del = c.prepareStatement("DELETE FROM jobs WHERE seq <= ?")) {
                for (int upTo = CHUNK; upTo <= half; upTo += CHUNK) {
                    del.setLong(1, upTo);
                    del.executeUpdate();
                    c.commit();
                }
            }
            load(c, rows + 1, half, random);
            record("reuse: size MB open, after -" + half + " +" + half, e, round, totalMb(e, dir));
        }
        record("reuse: size MB closed, after -" + rows / 2 + " +" + rows / 2, e, round, totalMb(e, dir));
        if (!e.sqlite()) {
            // MVStore keeps a chunk for 45 s after it stops being live, and compacts in the background.
            try (Connection c = e.writer(dir)) {
                Thread.sleep(50_000);
            }
            record("reuse: size MB after 50 s open idle, closed", e, round, totalMb(e, dir));
        }
        System.out.println("# " + e.name() + " files after reuse: " + e.files(dir));
    }

    static void warmQueries(Engine e, Connection r, int round, int rows) throws SQLException {
        record("page ORDER BY seq DESC LIMIT 20, median ms", e, round, median(200, () -> page(r)));
        record("filtered page (FAILED, dice), median ms", e, round, median(200, () -> filteredPage(r)));
        record("count (FAILED, dice), median ms", e, round, median(20, () -> filteredCount(r)));
        Random random = new Random(7);
        record("point lookup by id, median ms", e, round, median(2000, () -> lookup(r, 1 + random.nextInt(rows))));
    }

    static void page(Connection r) throws SQLException {
        try (PreparedStatement p = r.prepareStatement("SELECT * FROM jobs ORDER BY seq DESC LIMIT 20")) {
            expectRows(p, 20);
        }
    }

    static void filteredPage(Connection r) throws SQLException {
        try (PreparedStatement p =
                r.prepareStatement("SELECT * FROM jobs WHERE status = ? AND type = ? ORDER BY seq DESC LIMIT 20")) {
            p.setString(1, "FAILED");
            p.setString(2, "dice");
            expectRows(p, 20);
        }
    }

    static void filteredCount(Connection r) throws SQLException {
        try (PreparedStatement p = r.prepareStatement("SELECT count(*) FROM jobs WHERE status = ? AND type = ?")) {
            p.setString(1, "FAILED");
            p.setString(2, "dice");
            expectRows(p, 1);
        }
    }

    static void lookup(Connection r, long seq) throws SQLException {
        try (PreparedStatement p = r.prepareStatement("SELECT * FROM jobs WHERE id = ?")) {
            p.setString(1, Job.idOf(seq));
            expectRows(p, 1);
        }
    }

    /** Reads every column of every row, so the rows are really fetched. */
    static void expectRows(PreparedStatement p, int expected) throws SQLException {
        int n = 0;
        try (ResultSet rs = p.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    rs.getObject(i);
                }
                n++;
            }
        }
        if (n != expected) {
            throw new IllegalStateException(n + " rows, expected " + expected);
        }
    }

    /** Finished jobs {@code first .. first + count - 1}, {@value CHUNK} per commit. */
    static void load(Connection c, long first, int count, Random random) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO jobs(seq, id, type, status, request, submitted_at,"
                + " started_at, finished_at, error, merged, compute_nanos, timeline)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (long seq = first; seq < first + count; seq++) {
                Job j = Job.random(seq, random);
                p.setLong(1, seq);
                p.setString(2, j.id());
                p.setString(3, j.type());
                p.setString(4, j.status());
                p.setString(5, j.request());
                p.setLong(6, j.submittedAt());
                p.setLong(7, j.submittedAt() + 1);
                p.setLong(8, j.submittedAt() + 3);
                p.setString(9, j.status().equals("FAILED") ? "shard 0 failed 3 times; last cause (crash)" : null);
                p.setBytes(10, j.merged());
                p.setLong(11, j.computeNanos());
                p.setString(12, j.timeline());
                p.addBatch();
                if ((seq - first + 1) % CHUNK == 0) {
                    p.executeBatch();
                    c.commit();
                }
            }
            p.executeBatch();
            c.commit();
        }
    }

    /** A finished tiny job's row: 90% succeeded, 7% failed, 3% cancelled; five types evenly. */
    record Job(
            long seq,
            String id,
            String type,
            String status,
            String request,
            long submittedAt,
            byte[] merged,
            long computeNanos,
            String timeline) {

        static Job random(long seq, Random random) {
            String type = TYPES[random.nextInt(TYPES.length)];
            int s = random.nextInt(100);
            String status = s < 90 ? "SUCCEEDED" : s < 97 ? "FAILED" : "CANCELLED";
            long at = 1_780_000_000_000L + seq * 3;
            String request = "{\"type\":\"" + type + "\",\"samples\":100000,\"seed\":" + random.nextLong() + "}";
            byte[] merged = new byte[24];
            random.nextBytes(merged);
            String timeline = "{\"submitted\":" + at + ",\"started\":" + (at + 1) + ",\"finished\":" + (at + 3)
                    + ",\"shards\":1,\"workers\":[" + random.nextInt(64) + "]}";
            return new Job(
                    seq, idOf(seq), type, status, request, at, merged, 150_000 + random.nextInt(50_000), timeline);
        }

        /** A UUID-shaped id derived from seq, so a lookup can name any row without keeping them. */
        static String idOf(long seq) {
            return UUID.nameUUIDFromBytes(Long.toString(seq).getBytes(StandardCharsets.US_ASCII))
                    .toString();
        }
    }

    static void printCacheSettings(Engine e, Connection r) throws SQLException {
        String sql = e.sqlite()
                ? "PRAGMA cache_size"
                : "SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                        + " WHERE SETTING_NAME IN ('CACHE_SIZE', 'WRITE_DELAY', 'info.CACHE_MAX_SIZE',"
                        + " 'info.CACHE_SIZE', 'info.PAGE_SIZE')";
        try (Statement s = r.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            StringBuilder line = new StringBuilder("# " + e.name() + " settings:");
            while (rs.next()) {
                line.append(
                        e.sqlite() ? " cache_size=" + rs.getString(1) : " " + rs.getString(1) + "=" + rs.getString(2));
            }
            System.out.println(line);
        }
    }

    static void explain(Engine e, Connection r) throws SQLException {
        String filtered = "SELECT * FROM jobs WHERE status = 'FAILED' AND type = 'dice' ORDER BY seq DESC LIMIT 20";
        try (Statement s = r.createStatement();
                ResultSet rs = s.executeQuery((e.sqlite() ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + filtered)) {
            StringBuilder plan = new StringBuilder("# " + e.name() + " plan of the filtered page:");
            while (rs.next()) {
                String step = rs.getString(rs.getMetaData().getColumnCount()).replaceAll("\\s+", " ");
                plan.append(' ').append(step.contains(" FROM ") ? step.substring(step.indexOf(" FROM ") + 1) : step);
            }
            System.out.println(plan);
        }
    }

    interface Query {
        void run() throws SQLException;
    }

    static double time(Query q) throws SQLException {
        long t = System.nanoTime();
        q.run();
        return (System.nanoTime() - t) / 1e6;
    }

    /** The median of {@code times} runs, or of those that fit in 10 s (3 at least). */
    static double median(int times, Query q) throws SQLException {
        List<Long> nanos = new ArrayList<>();
        long end = System.nanoTime() + 10_000_000_000L;
        for (int i = 0; i < times && (i < 3 || System.nanoTime() < end); i++) {
            long t = System.nanoTime();
            q.run();
            nanos.add(System.nanoTime() - t);
        }
        return percentile(nanos, 50) / 1e6;
    }

    static double percentile(List<Long> values, int p) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static double totalMb(Engine e, Path dir) throws IOException {
        return e.files(dir).values().stream().mapToLong(Long::longValue).sum() / 1e6;
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Per figure: each engine's median over the rounds, and sqlite / h2. */
    static void summary() {
        System.out.println();
        System.out.println("figure\tsqlite\th2\th2 synced\tsqlite/h2 (medians over rounds)");
        FIGURES.forEach((figure, byEngine) -> {
            double s = medianOf(byEngine.get(SQLITE.name()));
            double h = medianOf(byEngine.get(H2.name()));
            double hs = medianOf(byEngine.get(H2_SYNCED.name()));
            System.out.printf("%s\t%s\t%s\t%s\t%s%n", figure, fmt(s), fmt(h), fmt(hs), fmt(s / h));
        });
    }

    static double medianOf(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "" : Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.3g", v);
    }
}
