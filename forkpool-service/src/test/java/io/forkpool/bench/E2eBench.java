package io.forkpool.bench;

import io.forkpool.it.PackagedService;
import io.forkpool.web.Api;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * End-to-end figures of forkpool through its HTTP API, on this machine, in one run:
 * per-worker throughput of each kind, tiny-job latency with ?wait, and the speed-up of a large
 * pi job on 2 workers over 1. Starts the packaged jar itself (loopback only) and stops it.
 */
public class E2eBench {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * {@code bench/run.sh [sections...]}: all by default; sections are {@code kinds} (per-worker
     * throughput of each kind), {@code tiny} (latency and 32-client throughput), {@code fanout}
     * (pi 10^4..10^8 on 1 and 2 workers), {@code bigpi} (speed-up of a large job) and
     * {@code start} (start to readiness of the fat jar and of the image's AOT-cached layout, and
     * a killed worker's replacement). Start time and RSS are printed for every service started.
     */
    public static void main(String[] args) throws Exception {
        String jar = args[0];
        var sections = java.util.Set.of(
                args.length > 1
                        ? Arrays.copyOfRange(args, 1, args.length)
                        : new String[] {"start", "kinds", "tiny", "fanout", "bigpi"});
        System.out.printf(
                "machine: %d cores, %s, java %s, %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"),
                System.getProperty("java.version"),
                loadavg());
        if (sections.contains("start")) {
            start(jar);
        }
        if (sections.contains("firstjob")) {
            firstJob(jar, Integer.getInteger("e2e.starts", 5));
        }
        if (sections.contains("tinyfirst")) {
            tinyFirst(jar, Integer.getInteger("e2e.starts", 3));
        }
        if (java.util.Collections.disjoint(sections, List.of("kinds", "tiny", "fanout", "bigpi"))) {
            System.out.println("\nend: " + loadavg());
            return;
        }
        double oneWorkerPi = 0;
        long[] fanSizes = {10_000L, 100_000L, 1_000_000L, 3_000_000L, 10_000_000L, 100_000_000L};
        double[][] fan = new double[2][];
        try (var service = Service.start(jar, 1)) {
            if (sections.contains("kinds")) {
                System.out.println("\n== 1 worker: throughput per worker (units/s, kernel time in the worker)");
                String[][] kinds = {
                    {"pi", "{\"type\":\"pi\",\"samples\":2000000000,\"seed\":1}", "2e9"},
                    {"projectile", "{\"type\":\"projectile\",\"samples\":200000000,\"seed\":1}", "2e8"},
                    {"dice", "{\"type\":\"dice\",\"rolls\":2000000000,\"seed\":1}", "2e9"},
                    {
                        "smallest-multiple",
                        "{\"type\":\"smallest-multiple\",\"samples\":1000000000,\"factor\":7,\"seed\":1}",
                        "1e9"
                    },
                    {"sine", "{\"type\":\"sine\",\"x\":30,\"terms\":10000}", "1e4"}
                };
                for (String[] k : kinds) {
                    service.post(k[1]); // warm
                    String job = service.post(k[1]);
                    double units = Double.parseDouble(k[2]);
                    System.out.printf(
                            "%-18s %8s units  compute %.3f s  -> %,.0f units/s/worker (run %.3f s)%n",
                            k[0],
                            k[2],
                            num("computeSeconds", job),
                            units / num("computeSeconds", job),
                            num("runSeconds", job));
                }
            }
            if (sections.contains("bigpi")) {
                oneWorkerPi = bigPi(service);
            }
            if (sections.contains("tiny")) {
                System.out.println("\n== 1 worker: tiny job latency, pi 10^5 samples, ?wait=60, one client");
                latency(service, 2000);
                throughput(service, 32, 5);
                wrk(service);
            }
            if (sections.contains("fanout")) {
                fan[0] = fanout(service, fanSizes);
            }
        }
        try (var service = Service.start(jar, 2)) {
            System.out.println("\n== 2 workers");
            if (sections.contains("bigpi")) {
                double twoWorkersPi = bigPi(service);
                System.out.printf(
                        "speed-up of pi %.0e on 2 workers over 1: %.2fx (wall time of the job)%n",
                        (double) BIG_PI, oneWorkerPi / twoWorkersPi);
            }
            if (sections.contains("tiny")) {
                System.out.println("\n== 2 workers: tiny job latency, pi 10^5 samples, ?wait=60, one client");
                latency(service, 2000);
                throughput(service, 32, 5);
                wrk(service);
            }
            if (sections.contains("fanout")) {
                fan[1] = fanout(service, fanSizes);
                System.out.println("\n== fan-out: pi, median wall time of a ?wait job (ms), 1 vs 2 workers");
                System.out.println("| samples | 1 worker (ms) | 2 workers (ms) | 2 vs 1 |");
                System.out.println("|---|---|---|---|");
                for (int i = 0; i < fanSizes.length; i++) {
                    System.out.printf(
                            "| %.0e | %.2f | %.2f | %.2fx |%n",
                            (double) fanSizes[i], fan[0][i], fan[1][i], fan[0][i] / fan[1][i]);
                }
            }
        }
        System.out.println("\nend: " + loadavg());
    }

    /**
     * Start to readiness UP (every worker warm) with 2 workers, 3 times each, of the fat jar (the
     * ordinary way and in Spring AOT mode) and of the image's form (its layout, AOT caches and
     * entry point); then, on the latter, how long a SIGKILLed worker's
     * slot takes to have a warm replacement again (from the kill to the new worker idle).
     */
    static void start(String jar) throws Exception {
        System.out.println("\n== start: process start -> readiness UP, 2 workers (warm-up done)");
        var launches = List.of(Launch.fatJar(jar), Launch.fatJarSpringAot(jar), Launch.aotLayout(jar));
        double[][] ready = new double[launches.size()][3];
        for (int round = 0; round < 3; round++) {
            for (int l = 0; l < launches.size(); l++) {
                try (var service = Service.start(launches.get(l), 2)) {
                    ready[l][round] = service.readyMillis;
                    if (l == launches.size() - 1 && round == 2) {
                        respawn(service);
                    }
                }
            }
        }
        for (int l = 0; l < launches.size(); l++) {
            double[] r = ready[l].clone();
            Arrays.sort(r);
            System.out.printf(
                    "%-26s readiness: median %.0f ms (%s)%n",
                    launches.get(l).name(),
                    r[1],
                    Arrays.toString(
                            Arrays.stream(ready[l]).mapToLong(Math::round).toArray()));
        }
    }

    /** The large job of the first-job figures: pi 4·10^9 on 2 workers (~1.3 s warm on this machine kind). */
    static final String FIRST_JOB = "{\"type\":\"pi\",\"samples\":4000000000,\"seed\":3}";

    /**
     * {@code firstjob}: {@code starts} fresh starts with 2 workers (the launch of E2E_LAUNCH); at
     * readiness UP a pi 4·10^9 job at once, then 5 more: the first job's wall time against the
     * median of the later ones (the steady rate), start → first result, and where the CPU went
     * during the first job (the service's JIT, each worker, the spare started at readiness).
     */
    static void firstJob(String jar, int starts) throws Exception {
        System.out.printf(
                "%n== first job after readiness: pi 4e9, 2 workers, %d fresh starts (%s)%n",
                starts, System.getenv().getOrDefault("E2E_LAUNCH", "java -jar"));
        var ratios = new ArrayList<Double>();
        var firsts = new ArrayList<Double>();
        var toResult = new ArrayList<Double>();
        for (int s = 0; s < starts; s++) {
            long t0 = System.nanoTime();
            try (var service = Service.start(jar, 2)) {
                var before = cpuSnapshot(service);
                long j0 = System.nanoTime();
                service.post(FIRST_JOB);
                double first = (System.nanoTime() - j0) / 1e9;
                double startToResult = (System.nanoTime() - t0) / 1e9;
                var after = cpuSnapshot(service);
                double[] later = new double[5];
                String lastCpu = "";
                for (int i = 0; i < later.length; i++) {
                    var b = cpuSnapshot(service);
                    long t = System.nanoTime();
                    service.post(FIRST_JOB);
                    later[i] = (System.nanoTime() - t) / 1e9;
                    lastCpu = cpuDelta(b, cpuSnapshot(service), workerPids(service));
                }
                double[] sorted = later.clone();
                Arrays.sort(sorted);
                double steady = sorted[sorted.length / 2];
                ratios.add(steady / first);
                firsts.add(first);
                toResult.add(startToResult);
                System.out.printf(
                        "start %d: first job %.3f s, later %s s (median %.3f): first at %.2fx the steady rate;"
                                + " start -> first result %.2f s;%n    CPU during the first job: %s%n    CPU during the last job: %s"
                                + "  (%s)%n",
                        s,
                        first,
                        Arrays.toString(Arrays.stream(later)
                                .map(x -> Math.round(x * 1000) / 1000.0)
                                .toArray()),
                        steady,
                        steady / first,
                        startToResult,
                        cpuDelta(before, after, workerPids(service)),
                        lastCpu,
                        loadavg());
            }
        }
        System.out.printf(
                "first job / steady rate over %d starts: median %.2fx (%s); first job median %.3f s;"
                        + " start -> first result median %.2f s%n",
                starts, median(ratios), fmt(ratios), median(firsts), median(toResult));
    }

    /**
     * {@code tinyfirst}: tiny jobs (pi 10^5, wrk, 32 connections) in the first 10 s after readiness
     * UP, then three more 10-s runs: the first against the last (the steady rate).
     */
    static void tinyFirst(String jar, int starts) throws Exception {
        System.out.printf(
                "%n== tiny jobs right after readiness: wrk 32 connections, 10-s runs, 2 workers, %d fresh starts (%s)%n",
                starts, System.getenv().getOrDefault("E2E_LAUNCH", "java -jar"));
        var wrk = java.nio.file.Files.exists(Path.of("/usr/bin/wrk")) ? "/usr/bin/wrk" : null;
        if (wrk == null) {
            System.out.println("(wrk not installed: bench/run.sh installs it)");
            return;
        }
        var ratios = new ArrayList<Double>();
        for (int s = 0; s < starts; s++) {
            try (var service = Service.start(jar, 2)) {
                Path script = wrkScript();
                try {
                    String url = "http://127.0.0.1:" + service.port + "/api/v1/jobs?wait=60";
                    double[] rates = new double[4];
                    for (int i = 0; i < rates.length; i++) {
                        rates[i] = runWrk(wrk, script, url, 2, 32, 10, "run " + i + " after readiness");
                    }
                    ratios.add(rates[0] / rates[rates.length - 1]);
                    System.out.printf(
                            "start %d: first 10 s at %.2fx the last run's rate%n",
                            s, rates[0] / rates[rates.length - 1]);
                } finally {
                    java.nio.file.Files.delete(script);
                }
            }
        }
        System.out.printf(
                "tiny jobs, first 10 s / steady over %d starts: median %.2fx (%s)%n",
                starts, median(ratios), fmt(ratios));
    }

    static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        return sorted.size() % 2 == 1
                ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }

    static String fmt(List<Double> values) {
        return values.stream().map(v -> String.format("%.2f", v)).collect(java.util.stream.Collectors.joining(", "));
    }

    /** CPU ms now of the service (total, C2, C1) and of every java process under it, by pid. */
    static Map<Long, double[]> cpuSnapshot(Service service) {
        var map = new java.util.LinkedHashMap<Long, double[]>();
        map.put(service.process.pid(), jitCpu(service.process.pid()));
        service.process
                .descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .forEach(p -> map.put(p.pid(), new double[] {cpuMillis(p.pid()), 0, 0}));
        return map;
    }

    /** [total, C2, C1] CPU ms of a process. */
    static double[] jitCpu(long pid) {
        double c1 = 0, c2 = 0;
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (var task : tasks.toList()) {
                String name =
                        java.nio.file.Files.readString(task.resolve("comm")).trim();
                if (name.startsWith("C2 ")) {
                    c2 += ticks(task.resolve("stat")) * 10.0;
                } else if (name.startsWith("C1 ")) {
                    c1 += ticks(task.resolve("stat")) * 10.0;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return new double[] {cpuMillis(pid), c2, c1};
    }

    static String cpuDelta(Map<Long, double[]> before, Map<Long, double[]> after, java.util.Set<Long> workers) {
        var b = new StringBuilder();
        boolean service = true;
        for (var e : after.entrySet()) {
            double[] was = before.getOrDefault(e.getKey(), new double[3]);
            double[] now = e.getValue();
            if (service) {
                b.append(String.format(
                        "service %.2f s (C2 %.2f, C1 %.2f)",
                        (now[0] - was[0]) / 1e3, (now[1] - was[1]) / 1e3, (now[2] - was[2]) / 1e3));
                service = false;
            } else {
                b.append(String.format(
                        ", %s %d %.2f s",
                        workers.contains(e.getKey()) ? "worker" : "spare", e.getKey(), (now[0] - was[0]) / 1e3));
            }
        }
        return b.toString();
    }

    /** The pids of the workers in the slots (not the spares). */
    static java.util.Set<Long> workerPids(Service service) throws Exception {
        var pids = new java.util.HashSet<Long>();
        for (JsonNode worker : Api.parse(service.api.get("/api/v1/workers").body())) {
            pids.add(worker.path("pid").asLong());
        }
        return pids;
    }

    /**
     * Kills worker 0 five times, waiting each time until its slot holds an idle replacement: first
     * right after the start (the service's JVM is still compiling its own code), then five times
     * more once the service has run 300 tiny jobs and rested 3 s, as when a worker dies in service.
     * Before each kill it waits (up to 30 s) for a warm spare, and then also times the new spare
     * started behind the one that took the slot (a JVM start and a warm-up).
     */
    static void respawn(Service service) throws Exception {
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                for (int j = 0; j < 300; j++) {
                    service.post("{\"type\":\"pi\",\"samples\":100000}");
                }
                Thread.sleep(3000);
                System.out.println("(service warmed by 300 jobs, then 3 s idle)");
            }
            long pid;
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (((pid = workerPid(service, 0, "idle")) < 0 || spares(service) < 1)
                    && System.nanoTime() < waitUntil) {
                Thread.sleep(25);
            }
            boolean spare = spares(service) > 0;
            long t0 = System.nanoTime();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
            long replacement;
            do {
                Thread.sleep(spare ? 5 : 25); // each poll is a request the service serves: not too often
                replacement = workerPid(service, 0, "idle");
            } while ((replacement < 0 || replacement == pid) && System.nanoTime() < deadline);
            double refilled = (System.nanoTime() - t0) / 1e6;
            String behind = "";
            if (spare) {
                while (spares(service) < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(25);
                }
                behind = String.format("; the new spare behind it warm in %.0f ms", (System.nanoTime() - t0) / 1e6);
            }
            System.out.printf(
                    "worker 0 SIGKILLed -> slot holds an idle worker again in %.0f ms (%s)%s  (%s)%n",
                    refilled,
                    spare ? "a warm spare took it" : "no spare: a new JVM started and warmed",
                    behind,
                    loadavg());
        }
    }

    static final Pattern SPARES = Pattern.compile("forkpool_workers\\{[^}]*state=\"spare\"[^}]*\\} ([0-9.]+)");

    /** Warm spares now, from the service's Prometheus gauge. */
    static int spares(Service service) throws Exception {
        var m = SPARES.matcher(service.api.get("/actuator/prometheus").body());
        return m.find() ? (int) Double.parseDouble(m.group(1)) : 0;
    }

    /** The pid of worker {@code id} if it is in {@code state}, else -1. */
    static long workerPid(Service service, int id, String state) throws Exception {
        for (JsonNode worker : Api.parse(service.api.get("/api/v1/workers").body())) {
            if (worker.path("id").asInt() == id) {
                return worker.path("state").asString().equals(state)
                        ? worker.path("pid").asLong()
                        : -1;
            }
        }
        return -1;
    }

    /**
     * The tiny-job figures with wrk (Debian's C load generator: its own CPU cost is small, which
     * matters with 2 cores shared by client and service): one connection back to back for the
     * latency percentiles, then 32 connections for throughput. Every response must be a 200 with
     * a SUCCEEDED job, checked in wrk's response hook; a non-2xx or a failed job is counted.
     */
    static void wrk(Service service) throws Exception {
        var wrk = java.nio.file.Files.exists(Path.of("/usr/bin/wrk")) ? "/usr/bin/wrk" : null;
        if (wrk == null) {
            System.out.println("(wrk not installed: bench/run.sh installs it; skipping the wrk figures)");
            return;
        }
        Path script = wrkScript();
        try {
            String url = "http://127.0.0.1:" + service.port + "/api/v1/jobs?wait=60";
            runWrk(wrk, script, url, 1, 1, 5, null); // warm
            runWrk(wrk, script, url, 1, 1, 20, "wrk, 1 connection back to back");
            runWrk(wrk, script, url, 2, 32, 20, "wrk, 32 connections");
        } finally {
            java.nio.file.Files.delete(script);
        }
    }

    /** wrk's script: POST a tiny pi job, count every response that is not a 200 with a SUCCEEDED job. */
    static Path wrkScript() throws IOException {
        Path script = java.nio.file.Files.createTempFile("forkpool-wrk", ".lua");
        java.nio.file.Files.writeString(script, """
                wrk.method = "POST"
                wrk.body = '{"type":"pi","samples":100000}'
                wrk.headers["Content-Type"] = "application/json"
                bad = 0
                response = function(status, headers, body)
                  if status ~= 200 or not string.find(body, '"status":"SUCCEEDED"', 1, true) then bad = bad + 1 end
                end
                done = function(summary, latency, requests)
                  io.write(string.format("WRK %d %.0f %.0f %.0f %.0f %.0f %d %d %d\\n", summary.requests,
                    summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
                    latency.max, summary.errors.status, summary.errors.connect + summary.errors.read
                    + summary.errors.write + summary.errors.timeout, bad))
                end
                """);
        return script;
    }

    /** One wrk run; prints its figures under {@code label} (none: a warm-up run) and returns jobs/s. */
    private static double runWrk(
            String wrk, Path script, String url, int threads, int connections, int seconds, String label)
            throws Exception {
        var process = new ProcessBuilder(
                        wrk, "-t" + threads, "-c" + connections, "-d" + seconds + "s", "-s", script.toString(), url)
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        var line = out.lines()
                .filter(l -> l.startsWith("WRK "))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("wrk said: " + out));
        String[] f = line.split(" ");
        long requests = Long.parseLong(f[1]);
        double secs = Double.parseDouble(f[2]) / 1e6;
        if (label != null) {
            System.out.printf(
                    "%s, %d s: %,.0f jobs/s; latency p50 %.2f ms p90 %.2f ms p99 %.2f ms max %.2f ms;"
                            + " %d requests, non-200 %s, socket errors %s, not SUCCEEDED %s  (%s)%n",
                    label,
                    seconds,
                    requests / secs,
                    Double.parseDouble(f[3]) / 1e3,
                    Double.parseDouble(f[4]) / 1e3,
                    Double.parseDouble(f[5]) / 1e3,
                    Double.parseDouble(f[6]) / 1e3,
                    requests,
                    f[7],
                    f[8],
                    f[9],
                    loadavg());
        }
        return requests / secs;
    }

    /** Median wall time (ms) of a ?wait pi job of each size, client side. */
    static double[] fanout(Service service, long[] sizes) throws Exception {
        double[] ms = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            String body = "{\"type\":\"pi\",\"samples\":" + sizes[i] + "}";
            int n = sizes[i] >= 100_000_000L ? 7 : sizes[i] >= 10_000_000L ? 21 : 101;
            for (int w = 0; w < n / 3; w++) {
                service.post(body);
            }
            long[] t = new long[n];
            for (int r = 0; r < n; r++) {
                long t0 = System.nanoTime();
                service.post(body);
                t[r] = System.nanoTime() - t0;
            }
            Arrays.sort(t);
            ms[i] = t[n / 2] / 1e6;
            System.out.printf("pi %.0e: median %.2f ms (n=%d, min %.2f)%n", (double) sizes[i], ms[i], n, t[0] / 1e6);
        }
        return ms;
    }

    /** Tiny jobs from {@code clients} concurrent clients (virtual threads) for {@code seconds}: jobs/s. */
    static void throughput(Service service, int clients, int seconds) throws Exception {
        String body = "{\"type\":\"pi\",\"samples\":100000}";
        var client = HttpClient.newBuilder()
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
        for (int pass = 0; pass < 2; pass++) { // pass 0 warms
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(pass == 0 ? 2 : seconds);
            var done = new java.util.concurrent.atomic.AtomicLong();
            var failed = new java.util.concurrent.atomic.AtomicLong();
            var lat = new java.util.concurrent.ConcurrentLinkedQueue<Long>();
            long t0 = System.nanoTime();
            try (var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < clients; c++) {
                    exec.submit(() -> {
                        while (System.nanoTime() < end) {
                            long s = System.nanoTime();
                            try {
                                service.post(client, body);
                                done.incrementAndGet();
                                lat.add(System.nanoTime() - s);
                            } catch (Exception e) {
                                failed.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (pass == 1) {
                long[] l = lat.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf(
                        "%d clients, %d s: %,.0f jobs/s (%d ok, %d failed), latency p50 %.2f ms p99 %.2f ms  (%s)%n",
                        clients,
                        seconds,
                        done.get() / secs,
                        done.get(),
                        failed.get(),
                        l.length == 0 ? 0 : l[l.length / 2] / 1e6,
                        l.length == 0 ? 0 : l[l.length * 99 / 100] / 1e6,
                        loadavg());
            }
        }
    }

    static String loadavg() {
        try {
            return "loadavg "
                    + java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** CPU time (user + system) of a process, all its threads, in ms. */
    static double cpuMillis(long pid) {
        return ticks(Path.of("/proc/" + pid + "/stat")) * 10.0;
    }

    /** "total s (main a, C2 b, C1 c)": a process's CPU time and that of its main and JIT threads. */
    static String threadCpu(long pid) {
        double main = 0, c1 = 0, c2 = 0;
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (var task : tasks.toList()) {
                String name =
                        java.nio.file.Files.readString(task.resolve("comm")).trim();
                double ms = ticks(task.resolve("stat")) * 10.0;
                if (name.equals("java")) {
                    main = Math.max(main, ms); // the launcher's thread and the main thread are both "java"
                } else if (name.startsWith("C2 ")) {
                    c2 += ms;
                } else if (name.startsWith("C1 ")) {
                    c1 += ms;
                }
            }
        } catch (IOException e) {
            return "?";
        }
        return String.format(
                "%.1f s (main %.1f, C2 %.1f, C1 %.1f)", cpuMillis(pid) / 1e3, main / 1e3, c2 / 1e3, c1 / 1e3);
    }

    /** utime + stime of a /proc stat file, in clock ticks (100 Hz). */
    static long ticks(Path stat) {
        try {
            String text = java.nio.file.Files.readString(stat);
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    /** The large job: ~2.5 s on one worker, so fixed costs (HTTP, first and last shard) are small. */
    static final long BIG_PI = 10_000_000_000L;

    static double bigPi(Service service) throws Exception {
        String body = "{\"type\":\"pi\",\"samples\":" + BIG_PI + ",\"seed\":7}";
        // The service JVM is still compiling its own code for a few seconds after its start: warm it.
        for (int i = 0; i < 3; i++) {
            service.post(body);
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            service.post(body);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(
                "pi %.0e samples: best of 5 wall time %.3f s -> %,.0f samples/s%n",
                (double) BIG_PI, best, BIG_PI / best);
        return best;
    }

    static void latency(Service service, int n) throws Exception {
        String body = "{\"type\":\"pi\",\"samples\":100000}";
        for (int i = 0; i < 500; i++) {
            service.post(body);
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            service.post(body);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        System.out.printf(
                "n=%d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  (%s)%n",
                n,
                nanos[n / 2] / 1e6,
                nanos[n * 9 / 10] / 1e6,
                nanos[n * 99 / 100] / 1e6,
                nanos[n - 1] / 1e6,
                loadavg());
    }

    static double num(String field, String json) {
        var value = Api.parse(json).path(field);
        if (!value.isNumber()) {
            throw new IllegalStateException("no number " + field + " in " + json);
        }
        return value.asDouble();
    }

    /** How the service is started: the fat jar, or the image's extracted layout with AOT caches. */
    record Launch(String name, List<String> command, Path dir, java.util.Map<String, String> env) {

        static final String JAVA = ProcessHandle.current().info().command().orElse("java");

        static Launch fatJar(String jar) {
            return new Launch(
                    "java -jar",
                    List.of(JAVA, "-jar", Path.of(jar).toAbsolutePath().toString()),
                    Path.of("."),
                    java.util.Map.of());
        }

        /** The fat jar with the bean definitions generated at build time (Spring AOT mode). */
        static Launch fatJarSpringAot(String jar) {
            return new Launch(
                    "java -jar, Spring AOT",
                    List.of(
                            JAVA,
                            "-Dspring.aot.enabled=true",
                            "-jar",
                            Path.of(jar).toAbsolutePath().toString()),
                    Path.of("."),
                    java.util.Map.of());
        }

        /**
         * The container image's form (Dockerfile): the jar extracted to target/aot (app.jar + lib/),
         * AOT caches trained there by docker/aot-train.sh, the service with forkpool.aot and the
         * workers with worker.aot. Made once per jar.
         */
        static Launch aotLayout(String jar) throws Exception {
            Path dir = Path.of("target/aot").toAbsolutePath();
            Path stamp = dir.resolve("built-from");
            String from = jar + " "
                    + java.nio.file.Files.getLastModifiedTime(Path.of(jar)).to(TimeUnit.SECONDS);
            if (!java.nio.file.Files.exists(stamp)
                    || !java.nio.file.Files.readString(stamp).equals(from)) {
                System.out.println("(extracting the jar to target/aot and training its AOT caches, ~30 s)");
                run(List.of("rm", "-rf", dir.toString()), Map.of());
                run(
                        List.of(
                                JAVA,
                                "-Djarmode=tools",
                                "-jar",
                                jar,
                                "extract",
                                "--destination",
                                dir.toString(),
                                "--application-filename",
                                "app.jar"),
                        Map.of());
                run(List.of("docker/aot-train.sh", dir.toString()), Map.of("JAVA", JAVA));
                java.nio.file.Files.writeString(stamp, from);
            }
            // The Dockerfile's entry point (exec form), its /app paths made target/aot's.
            var line = java.nio.file.Files.readAllLines(Path.of("Dockerfile")).stream()
                    .filter(l -> l.startsWith("ENTRYPOINT ["))
                    .reduce((a, b) -> b)
                    .orElseThrow();
            var command = new java.util.ArrayList<String>();
            var word = Pattern.compile("\"([^\"]*)\"").matcher(line);
            while (word.find()) {
                command.add(word.group(1).replace("/app/", dir + "/"));
            }
            command.set(0, JAVA);
            return new Launch(
                    "image (AOT caches, Spring AOT)",
                    command,
                    dir,
                    Map.of("FORKPOOL_WORKERS_JVMOPTIONS", "-XX:AOTCache=" + dir.resolve("worker.aot")));
        }

        private static void run(List<String> command, Map<String, String> env) throws Exception {
            var builder = new ProcessBuilder(command).inheritIO();
            builder.environment().putAll(env);
            int code = builder.start().waitFor();
            if (code != 0) {
                throw new IllegalStateException(command + " exited with " + code);
            }
        }
    }

    static final class Service implements AutoCloseable {

        final Process process;
        final int port;
        final Api api;
        double readyMillis;

        Service(Process process, int port) {
            this.process = process;
            this.port = port;
            this.api = new Api("http://127.0.0.1:" + port);
        }

        /** The kinds/tiny/fanout/bigpi sections' service: the fat jar, or the image's form with E2E_LAUNCH=image. */
        static Service start(String jar, int workers) throws Exception {
            return start(
                    "image".equals(System.getenv("E2E_LAUNCH")) ? Launch.aotLayout(jar) : Launch.fatJar(jar), workers);
        }

        static Service start(Launch launch, int workers) throws Exception {
            int port = PackagedService.freePort();
            var command = new ArrayList<>(launch.command());
            String extra = System.getenv("E2E_SERVICE_OPTS"); // JVM options for the service, e.g. to compare flags
            if (extra != null && !extra.isBlank()) {
                command.addAll(1, List.of(extra.trim().split(" +")));
            }
            command.addAll(List.of(
                    "--server.port=" + port, "--forkpool.workers.count=" + workers, "--logging.level.root=WARN"));
            String args = System.getenv("E2E_SERVICE_ARGS"); // application arguments, e.g. --forkpool.workers.spares=0
            if (args != null && !args.isBlank()) {
                command.addAll(List.of(args.trim().split(" +")));
            }
            var builder = new ProcessBuilder(command).directory(launch.dir().toFile());
            builder.environment().putAll(launch.env());
            java.nio.file.Files.createDirectories(Path.of("target"));
            long started = System.nanoTime();
            var process = builder.redirectErrorStream(true)
                    .redirectOutput(
                            Path.of("target/bench-service.log").toAbsolutePath().toFile())
                    .start();
            var service = new Service(process, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                try {
                    var r = HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        double readyMs = (System.nanoTime() - started) / 1e6;
                        var children = process.descendants()
                                .filter(p -> p.info()
                                        .command()
                                        .map(c -> c.endsWith("java"))
                                        .orElse(false))
                                .map(p -> p.pid() + ": " + rssKb(p.pid()) / 1024 + " MiB")
                                .toList();
                        var workerCpu = process.descendants()
                                .filter(p -> p.info()
                                        .command()
                                        .map(c -> c.endsWith("java"))
                                        .orElse(false))
                                .map(p -> String.format("%.1f", cpuMillis(p.pid()) / 1e3))
                                .toList();
                        System.out.printf(
                                "%nservice (%s) with %d worker(s): start -> readiness UP %.0f ms; VmRSS parent %d MiB,"
                                        + " workers %s; CPU to readiness: parent %s, workers %s s  (%s)%n",
                                launch.name(),
                                workers,
                                readyMs,
                                rssKb(process.pid()) / 1024,
                                children,
                                threadCpu(process.pid()),
                                workerCpu,
                                loadavg());
                        service.readyMillis = readyMs;
                        return service;
                    }
                } catch (IOException notYet) {
                    // starting
                }
                Thread.sleep(10);
            }
            process.destroyForcibly();
            throw new IllegalStateException("service did not become ready; see target/bench-service.log");
        }

        String post(String body) throws Exception {
            return post(HTTP, body);
        }

        String post(HttpClient client, String body) throws Exception {
            var r = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs?wait=60"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200
                    || !Api.parse(r.body()).path("status").asString().equals("SUCCEEDED")) {
                throw new IllegalStateException("job did not succeed: " + r.statusCode() + " " + r.body());
            }
            return r.body();
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
