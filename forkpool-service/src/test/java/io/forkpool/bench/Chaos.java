package io.forkpool.bench;

import static org.awaitility.Awaitility.await;

import io.forkpool.it.PackagedService;
import io.forkpool.web.Api;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * Chaos soak of the packaged service, on loopback: fault-free reference results first, then a few
 * thousand jobs of every kind from several client threads while a killer SIGKILLs a random worker
 * about every 0.5 s. Every accepted job must end SUCCEEDED with exactly the reference result,
 * FAILED with a reason, or CANCELLED; none may be lost. Bounded in jobs and in time.
 *
 * <pre>bench/chaos.sh [jobs=3000] [seconds=180] [clients=6] [killEveryMs=500] [workers=2]</pre>
 *
 * Exits 1 if a result differs from its reference or a job is lost, 2 if the service misbehaves
 * otherwise (does not start, is unhealthy after the soak, leaves workers behind).
 */
public class Chaos {

    /** One kind of job, with its seed fixed: the same body must always give the same result. */
    record Combo(String type, String body, boolean big) {
        Combo(String type, String body) {
            this(type, body, false);
        }
    }

    record Outcome(String status, String result, String error) {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 180;
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        int killEveryMs = args.length > 4 ? Integer.parseInt(args[4]) : 500;
        int workers = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        System.out.printf(
                "chaos: %s, up to %d jobs or %d s, %d clients, a worker SIGKILLed every ~%d ms, "
                        + "%d workers; machine: %d cores, java %s%n",
                jar.getFileName(),
                jobs,
                seconds,
                clients,
                killEveryMs,
                workers,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));

        List<Combo> combos = combos();
        // clients pick one-shard jobs eight times as often as multi-shard ones: many jobs, and kills mid-job
        var picks = new ArrayList<Combo>();
        for (Combo combo : combos) {
            for (int i = 0; i < (combo.big() ? 1 : 8); i++) {
                picks.add(combo);
            }
        }
        int port = PackagedService.freePort();
        String base = "http://127.0.0.1:" + port;
        var api = new Api(base);
        Path log = jar.getParent().resolve("chaos-service.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process service = new ProcessBuilder(
                        java,
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--server.address=127.0.0.1",
                        "--forkpool.workers.count=" + workers)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // interrupted (Ctrl-C, timeout): take the service down with us rather than leave it running
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (service.isAlive()) {
                service.destroy();
            }
        }));
        int exit = 0;
        try {
            PackagedService.awaitReady(api, service, log, Duration.ofSeconds(120));
            System.out.printf("service pid %d on %s, log %s%n", service.pid(), base, log);

            // -- 1. fault-free references, one job at a time
            long t0 = System.nanoTime();
            Map<Combo, String> reference = new LinkedHashMap<>();
            for (Combo combo : combos) {
                Outcome o = runToEnd(api, combo.body(), Duration.ofSeconds(120));
                if (!o.status().equals("SUCCEEDED")) {
                    throw new IllegalStateException("reference run of " + combo.body() + " ended " + o);
                }
                reference.put(combo, o.result());
            }
            System.out.printf(
                    "references: %d (type, request, seed) combinations in %.1f s, no faults%n",
                    combos.size(), (System.nanoTime() - t0) / 1e9);
            long restartsBefore = sum(scrape(api), "forkpool_workers_restarts_total");

            // -- 2. chaos: clients submit, a killer kills
            var submitted = new AtomicInteger();
            var rejected = new AtomicInteger();
            var httpErrors = new ConcurrentLinkedQueue<String>();
            var pending = new ConcurrentHashMap<String, Combo>(); // accepted, not yet seen ended
            var ended = new ConcurrentHashMap<String, Outcome>();
            var comboOf = new ConcurrentHashMap<String, Combo>();
            var cancelRequested = ConcurrentHashMap.<String>newKeySet();
            long chaosStart = System.nanoTime();
            long chaosEnd = chaosStart + TimeUnit.SECONDS.toNanos(seconds);
            var kills = new AtomicInteger();
            var killedPids = new ConcurrentLinkedQueue<Long>();
            var stop = new java.util.concurrent.atomic.AtomicBoolean();

            Thread killer = Thread.ofPlatform().name("killer").start(() -> {
                var random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    long wakeAt = System.nanoTime()
                            + TimeUnit.MILLISECONDS.toNanos(killEveryMs / 2 + random.nextInt(Math.max(1, killEveryMs)));
                    while (!stop.get() && System.nanoTime() < wakeAt) {
                        sleep(20);
                    }
                    if (stop.get()) {
                        break;
                    }
                    try {
                        var live = new ArrayList<Long>();
                        for (JsonNode worker :
                                Api.parse(api.get("/api/v1/workers").body())) {
                            if (List.of("idle", "busy")
                                    .contains(worker.path("state").asString())) {
                                live.add(worker.path("pid").asLong());
                            }
                        }
                        if (live.isEmpty()) {
                            continue;
                        }
                        long pid = live.get(random.nextInt(live.size()));
                        // only ever a child of the service this run started
                        var victim = ProcessHandle.of(pid)
                                .filter(p -> p.parent().map(ProcessHandle::pid).orElse(-1L) == service.pid());
                        if (victim.isPresent() && victim.get().destroyForcibly()) {
                            kills.incrementAndGet();
                            killedPids.add(pid);
                        }
                    } catch (RuntimeException e) {
                        // the service is busy or a worker went between the list and the kill: next round
                    }
                }
            });

            var clientThreads = new ArrayList<Thread>();
            for (int c = 0; c < clients; c++) {
                clientThreads.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                    var random = ThreadLocalRandom.current();
                    while (System.nanoTime() < chaosEnd && submitted.get() < jobs) {
                        if (submitted.incrementAndGet() > jobs) {
                            submitted.decrementAndGet();
                            break;
                        }
                        Combo combo = picks.get(random.nextInt(picks.size()));
                        boolean cancel = random.nextInt(20) == 0; // about 5% are cancelled by their client
                        try {
                            var response = api.post("/api/v1/jobs" + (cancel ? "" : "?wait=10"), combo.body());
                            if (response.statusCode() == 503 || response.statusCode() == 429) {
                                rejected.incrementAndGet();
                                sleep(200);
                                continue;
                            }
                            if (response.statusCode() != 200 && response.statusCode() != 202) {
                                httpErrors.add(response.statusCode() + " " + response.body());
                                continue;
                            }
                            JsonNode job = Api.parse(response.body());
                            String id = job.path("id").asString();
                            comboOf.put(id, combo);
                            if (cancel) {
                                cancelRequested.add(id);
                                pending.put(id, combo);
                                var deleted = api.delete("/api/v1/jobs/" + id);
                                record(Api.parse(deleted.body()), id, pending, ended);
                            } else {
                                pending.put(id, combo);
                                record(job, id, pending, ended);
                            }
                        } catch (RuntimeException e) {
                            httpErrors.add(String.valueOf(e));
                        }
                    }
                }));
            }
            for (Thread t : clientThreads) {
                t.join();
            }
            double chaosSeconds = (System.nanoTime() - chaosStart) / 1e9;

            // -- 3. every accepted job must end: poll the rest (bounded), still under fire for a while
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!pending.isEmpty() && System.nanoTime() < drainDeadline) {
                for (String id : List.copyOf(pending.keySet())) {
                    try {
                        var response = api.get("/api/v1/jobs/" + id);
                        if (response.statusCode() == 200) {
                            record(Api.parse(response.body()), id, pending, ended);
                        }
                    } catch (RuntimeException e) {
                        // try again next round
                    }
                }
                if (!pending.isEmpty()) {
                    sleep(200);
                }
            }
            stop.set(true);
            killer.join();

            // -- 4. tally
            int succeeded = 0;
            int failed = 0;
            int cancelled = 0;
            int differing = 0;
            var failures = new TreeMap<String, Integer>();
            var byType = new TreeMap<String, int[]>();
            for (var e : ended.entrySet()) {
                Outcome o = e.getValue();
                Combo combo = comboOf.get(e.getKey());
                int[] counts = byType.computeIfAbsent(combo.type(), t -> new int[4]);
                switch (o.status()) {
                    case "SUCCEEDED" -> {
                        succeeded++;
                        counts[0]++;
                        if (!o.result().equals(reference.get(combo))) {
                            differing++;
                            counts[3]++;
                            if (differing <= 5) {
                                System.out.printf(
                                        "DIFFERS: %s%n  got       %s%n  reference %s%n",
                                        combo.body(), o.result(), reference.get(combo));
                            }
                        }
                    }
                    case "FAILED" -> {
                        failed++;
                        counts[1]++;
                        failures.merge(
                                o.error()
                                        .replaceAll("shard \\d+", "shard N")
                                        .replaceAll("\\(exit code -?\\d+\\)", "(exit code X)")
                                        .replaceAll("[0-9a-f-]{36}", "ID"),
                                1,
                                Integer::sum);
                    }
                    case "CANCELLED" -> {
                        cancelled++;
                        counts[2]++;
                    }
                    default -> throw new IllegalStateException("not a final status: " + o);
                }
            }
            int lost = pending.size();
            // the last kill's restart is counted once its loss is handled: let the pool heal first
            boolean whole = awaitWholePool(api, workers, Duration.ofSeconds(30));
            var metrics = scrape(api);
            long restarts = sum(metrics, "forkpool_workers_restarts_total") - restartsBefore;

            System.out.printf(
                    "%n== chaos soak: %.0f s of submissions, %d clients, %d workers%n", chaosSeconds, clients, workers);
            System.out.printf(
                    "submitted   %6d  (accepted %d, refused 503/429 %d, HTTP errors %d)%n",
                    submitted.get(), comboOf.size(), rejected.get(), httpErrors.size());
            System.out.printf("succeeded   %6d%n", succeeded);
            System.out.printf("failed      %6d%n", failed);
            System.out.printf("cancelled   %6d  (by their client: %d asked)%n", cancelled, cancelRequested.size());
            System.out.printf(
                    "differing   %6d  (SUCCEEDED results not bit-identical to the fault-free reference)%n", differing);
            System.out.printf("lost        %6d  (accepted, never ended)%n", lost);
            System.out.printf(
                    "killed      %6d  workers (SIGKILL), one every %.1f s on average%n",
                    kills.get(), (System.nanoTime() - chaosStart) / 1e9 / Math.max(1, kills.get()));
            System.out.printf(
                    "restarts    %6d  forkpool_workers_restarts_total during the soak; by reason: %s%n",
                    restarts, byLabel(metrics, "forkpool_workers_restarts_total", "reason"));
            System.out.printf(
                    "retried     %6d  forkpool_shards_retried_total; by reason: %s%n",
                    sum(metrics, "forkpool_shards_retried_total"),
                    byLabel(metrics, "forkpool_shards_retried_total", "reason"));
            double spawnCount = sum(metrics, "forkpool_workers_spawn_seconds_count");
            System.out.printf(
                    "respawn     %6.2f s  mean time from process start to a worker's hello%n",
                    spawnCount == 0
                            ? 0
                            : metrics.stream()
                                            .filter(x -> x.name().equals("forkpool_workers_spawn_seconds_sum"))
                                            .mapToDouble(Sample::value)
                                            .sum()
                                    / spawnCount);
            double shards = sum(metrics, "forkpool_shards_duration_seconds_count");
            System.out.printf(
                    "shards      %6.0f  computed, mean compute %.0f ms (cold workers are slower)%n",
                    shards,
                    shards == 0
                            ? 0
                            : 1000
                                    * metrics.stream()
                                            .filter(x -> x.name().equals("forkpool_shards_duration_seconds_sum"))
                                            .mapToDouble(Sample::value)
                                            .sum()
                                    / shards);
            System.out.println("by type (succeeded/failed/cancelled/differing):");
            byType.forEach((t, c) -> System.out.printf("  %-18s %5d %4d %4d %4d%n", t, c[0], c[1], c[2], c[3]));
            if (!failures.isEmpty()) {
                System.out.println("failure reasons:");
                failures.forEach((reason, n) -> System.out.printf("  %4d  %s%n", n, reason));
            }
            if (!httpErrors.isEmpty()) {
                System.out.println(
                        "HTTP errors (first 5): " + httpErrors.stream().limit(5).toList());
            }
            if (lost > 0) {
                System.out.println("lost jobs (first 5): "
                        + pending.keySet().stream().limit(5).toList());
            }

            // -- 5. the service is whole after the storm
            boolean healthy = whole;
            Outcome after = runToEnd(api, combos.get(0).body(), Duration.ofSeconds(60));
            healthy &= after.status().equals("SUCCEEDED") && after.result().equals(reference.get(combos.get(0)));
            long strayKilled = killedPids.stream()
                    .filter(pid ->
                            ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .count();
            System.out.printf(
                    "after: pool whole and a job right: %s; killed workers still alive: %d%n", healthy, strayKilled);

            if (differing > 0 || lost > 0) {
                exit = 1;
            } else if (!healthy || !httpErrors.isEmpty()) {
                exit = 2;
            }
        } catch (Exception | AssertionError e) {
            System.out.println("chaos aborted: " + e);
            exit = 2;
        } finally {
            List<ProcessHandle> children = service.descendants().toList();
            service.destroy(); // SIGTERM: the service stops its workers
            if (!service.waitFor(60, TimeUnit.SECONDS)) {
                service.destroyForcibly();
                exit = Math.max(exit, 2);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                sleep(50);
            }
            long left = children.stream()
                    .filter(ProcessHandle::isAlive)
                    .peek(ProcessHandle::destroyForcibly)
                    .count();
            if (left > 0) {
                System.out.println("workers left behind after SIGTERM: " + left);
                exit = Math.max(exit, 2);
            }
        }
        System.out.println(exit == 0 ? "CHAOS OK" : "CHAOS FAILED (exit " + exit + ")");
        System.exit(exit);
    }

    /** Several requests and seeds of every kind; some one shard, some several (a kill then hits mid-job). */
    static List<Combo> combos() {
        var list = new ArrayList<Combo>();
        for (long seed : new long[] {1, 2, 3}) {
            list.add(new Combo("pi", "{\"type\":\"pi\",\"samples\":100000,\"seed\":" + seed + "}"));
            list.add(new Combo("pi", "{\"type\":\"pi\",\"samples\":20000000,\"seed\":" + seed + "}", true));
            list.add(new Combo("dice", "{\"type\":\"dice\",\"rolls\":100000,\"faces\":6,\"seed\":" + seed + "}"));
            list.add(new Combo(
                    "dice", "{\"type\":\"dice\",\"rolls\":20000000,\"faces\":20,\"seed\":" + seed + "}", true));
            list.add(new Combo("projectile", "{\"type\":\"projectile\",\"samples\":100000,\"seed\":" + seed + "}"));
            list.add(new Combo(
                    "projectile",
                    "{\"type\":\"projectile\",\"samples\":2500000,\"bins\":7,"
                            + "\"angleMinDeg\":10,\"angleMaxDeg\":80,\"speedMin\":10,\"speedMax\":300,\"gravity\":1.62,"
                            + "\"seed\":" + seed + "}",
                    true));
            list.add(new Combo(
                    "smallest-multiple",
                    "{\"type\":\"smallest-multiple\",\"samples\":100000," + "\"factor\":7,\"seed\":" + seed + "}"));
            list.add(new Combo(
                    "smallest-multiple",
                    "{\"type\":\"smallest-multiple\",\"samples\":10000000,"
                            + "\"factor\":997,\"low\":1,\"high\":100000,\"seed\":" + seed + "}",
                    true));
        }
        list.add(new Combo("sine", "{\"type\":\"sine\",\"x\":0.5,\"terms\":3}"));
        list.add(new Combo("sine", "{\"type\":\"sine\",\"x\":30,\"terms\":100}", true));
        list.add(new Combo("sine", "{\"type\":\"sine\",\"x\":-700,\"terms\":400}", true));
        return list;
    }

    static void record(JsonNode job, String id, Map<String, Combo> pending, Map<String, Outcome> ended) {
        String status = job.path("status").asString();
        if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
            ended.put(id, outcome(job));
            pending.remove(id);
        }
    }

    /** The job's status, its result as JSON text (compared bit for bit with the reference's) and its error. */
    static Outcome outcome(JsonNode job) {
        return new Outcome(
                job.path("status").asString(),
                job.path("result").toString(),
                job.path("error").asString());
    }

    static Outcome runToEnd(Api api, String body, Duration within) {
        var response = api.post("/api/v1/jobs?wait=30", body);
        if (response.statusCode() != 200 && response.statusCode() != 202) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        String id = Api.parse(response.body()).path("id").asString();
        return await("job " + id + " ended")
                .atMost(within)
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> outcome(Api.parse(api.get("/api/v1/jobs/" + id).body())),
                        o -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(o.status()));
    }

    static boolean awaitWholePool(Api api, int workers, Duration within) {
        try {
            await("the pool whole")
                    .atMost(within)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        int idle = 0;
                        for (JsonNode worker :
                                Api.parse(api.get("/api/v1/workers").body())) {
                            idle += worker.path("state").asString().equals("idle") ? 1 : 0;
                        }
                        return idle == workers;
                    });
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ Prometheus

    static final Pattern SAMPLE = Pattern.compile("(?m)^([a-z_]+)(?:\\{([^}]*)})? ([0-9.eE+-]+)$");

    record Sample(String name, String labels, double value) {}

    static List<Sample> scrape(Api api) {
        var samples = new ArrayList<Sample>();
        Matcher m = SAMPLE.matcher(api.get("/actuator/prometheus").body());
        while (m.find()) {
            samples.add(new Sample(m.group(1), m.group(2) == null ? "" : m.group(2), Double.parseDouble(m.group(3))));
        }
        return samples;
    }

    static long sum(List<Sample> samples, String name) {
        return Math.round(samples.stream()
                .filter(s -> s.name().equals(name))
                .mapToDouble(Sample::value)
                .sum());
    }

    static Map<String, Long> byLabel(List<Sample> samples, String name, String label) {
        var out = new TreeMap<String, Long>();
        Pattern p = Pattern.compile(label + "=\"([^\"]*)\"");
        for (Sample s : samples) {
            Matcher m = p.matcher(s.labels());
            if (s.name().equals(name) && m.find()) {
                out.merge(m.group(1), Math.round(s.value()), Long::sum);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ process

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
