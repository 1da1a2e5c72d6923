import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * End-to-end figures of forkpool through its HTTP API, on this machine, in one run:
 * per-worker throughput of each kind, tiny-job latency with ?wait, and the speed-up of a large
 * pi job on 2 workers over 1. Starts the packaged jar itself (loopback only) and stops it.
 */
public class E2eBench {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Pattern COMPUTE = Pattern.compile("\"computeSeconds\":([0-9.Ee-]+)");
    static final Pattern RUN = Pattern.compile("\"runSeconds\":([0-9.Ee-]+)");
    static final Pattern STATUS = Pattern.compile("\"status\":\"([A-Z]+)\"");

    /**
     * {@code bench/run.sh [sections...]}: all by default; sections are {@code kinds} (per-worker
     * throughput of each kind), {@code tiny} (latency and 32-client throughput), {@code fanout}
     * (pi 10^4..10^8 on 1 and 2 workers) and {@code bigpi} (speed-up of a large job). Start time
     * and RSS are printed for every service started.
     */
    public static void main(String[] args) throws Exception {
        String jar = args[0];
        var sections = java.util.Set.of(args.length > 1 ? Arrays.copyOfRange(args, 1, args.length)
                : new String[] {"kinds", "tiny", "fanout", "bigpi"});
        System.out.printf("machine: %d cores, %s, java %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), System.getProperty("java.version"), loadavg());
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
                    {"smallest-multiple", "{\"type\":\"smallest-multiple\",\"samples\":1000000000,\"factor\":7,\"seed\":1}", "1e9"},
                    {"sine", "{\"type\":\"sine\",\"x\":30,\"terms\":10000}", "1e4"}};
                for (String[] k : kinds) {
                    service.post(k[1]); // warm
                    String job = service.post(k[1]);
                    double units = Double.parseDouble(k[2]);
                    System.out.printf("%-18s %8s units  compute %.3f s  -> %,.0f units/s/worker (run %.3f s)%n", k[0], k[2],
                            num(COMPUTE, job), units / num(COMPUTE, job), num(RUN, job));
                }
            }
            if (sections.contains("bigpi")) {
                oneWorkerPi = bigPi(service);
            }
            if (sections.contains("tiny")) {
                System.out.println("\n== 1 worker: tiny job latency, pi 10^5 samples, ?wait=60, one client");
                latency(service, 2000);
                throughput(service, 32, 5);
            }
            if (sections.contains("fanout")) {
                fan[0] = fanout(service, fanSizes);
            }
        }
        try (var service = Service.start(jar, 2)) {
            System.out.println("\n== 2 workers");
            if (sections.contains("bigpi")) {
                double twoWorkersPi = bigPi(service);
                System.out.printf("speed-up of pi 4e9 on 2 workers over 1: %.2fx (wall time of the job)%n",
                        oneWorkerPi / twoWorkersPi);
            }
            if (sections.contains("tiny")) {
                System.out.println("\n== 2 workers: tiny job latency, pi 10^5 samples, ?wait=60, one client");
                latency(service, 2000);
                throughput(service, 32, 5);
            }
            if (sections.contains("fanout")) {
                fan[1] = fanout(service, fanSizes);
                System.out.println("\n== fan-out: pi, median wall time of a ?wait job (ms), 1 vs 2 workers");
                System.out.println("| samples | 1 worker (ms) | 2 workers (ms) | 2 vs 1 |");
                System.out.println("|---|---|---|---|");
                for (int i = 0; i < fanSizes.length; i++) {
                    System.out.printf("| %.0e | %.2f | %.2f | %.2fx |%n", (double) fanSizes[i], fan[0][i], fan[1][i],
                            fan[0][i] / fan[1][i]);
                }
            }
        }
        System.out.println("\nend: " + loadavg());
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
        var client = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
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
                System.out.printf("%d clients, %d s: %,.0f jobs/s (%d ok, %d failed), latency p50 %.2f ms p99 %.2f ms  (%s)%n",
                        clients, seconds, done.get() / secs, done.get(), failed.get(),
                        l.length == 0 ? 0 : l[l.length / 2] / 1e6, l.length == 0 ? 0 : l[l.length * 99 / 100] / 1e6,
                        loadavg());
            }
        }
    }

    static String loadavg() {
        try {
            return "loadavg " + java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "";
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

    static double bigPi(Service service) throws Exception {
        String body = "{\"type\":\"pi\",\"samples\":4000000000,\"seed\":7}";
        service.post(body);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            service.post(body);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("pi 4e9 samples: best of 3 wall time %.3f s -> %,.0f samples/s%n", best, 4e9 / best);
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
        System.out.printf("n=%d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  (%s)%n", n, nanos[n / 2] / 1e6,
                nanos[n * 9 / 10] / 1e6, nanos[n * 99 / 100] / 1e6, nanos[n - 1] / 1e6, loadavg());
    }

    static double num(Pattern p, String json) {
        var m = p.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + p + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    record Service(Process process, int port) implements AutoCloseable {

        static Service start(String jar, int workers) throws Exception {
            int port;
            try (var socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            var process = new ProcessBuilder(java, "--add-modules=jdk.incubator.vector", "-jar", jar, "--server.port=" + port,
                    "--forkpool.workers.count=" + workers, "--logging.level.root=WARN")
                    .redirectErrorStream(true).redirectOutput(Path.of("target/bench-service.log").toFile()).start();
            long started = System.nanoTime();
            var service = new Service(process, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                try {
                    var r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        double readyMs = (System.nanoTime() - started) / 1e6;
                        var children = process.descendants().filter(p -> p.info().command().map(c -> c.endsWith("java"))
                                .orElse(false)).map(p -> p.pid() + ": " + rssKb(p.pid()) / 1024 + " MiB").toList();
                        System.out.printf("%nservice with %d worker(s): start -> readiness UP %.0f ms; VmRSS parent %d MiB,"
                                + " workers %s  (%s)%n", workers, readyMs, rssKb(process.pid()) / 1024, children, loadavg());
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
            var r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs?wait=60"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            var m = STATUS.matcher(r.body());
            if (r.statusCode() != 200 || !m.find() || !m.group(1).equals("SUCCEEDED")) {
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
