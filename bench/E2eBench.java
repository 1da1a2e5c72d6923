import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        System.out.printf("machine: %d cores, %s, java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), System.getProperty("java.version"));
        double oneWorkerPi;
        try (var service = Service.start(jar, 1)) {
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
            oneWorkerPi = bigPi(service);
            System.out.println("\n== 1 worker: tiny job latency, pi 10^5 samples, ?wait=10, one client");
            latency(service, 2000);
        }
        try (var service = Service.start(jar, 2)) {
            System.out.println("\n== 2 workers");
            double twoWorkersPi = bigPi(service);
            System.out.printf("speed-up of pi 4e9 on 2 workers over 1: %.2fx (wall time of the job)%n",
                    oneWorkerPi / twoWorkersPi);
            System.out.println("\n== 2 workers: tiny job latency, pi 10^5 samples, ?wait=10, one client");
            latency(service, 2000);
        }
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
        System.out.printf("n=%d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms%n", n, nanos[n / 2] / 1e6,
                nanos[n * 9 / 10] / 1e6, nanos[n * 99 / 100] / 1e6, nanos[n - 1] / 1e6);
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
            var process = new ProcessBuilder(java, "-jar", jar, "--server.port=" + port,
                    "--forkpool.workers.count=" + workers, "--logging.level.root=WARN")
                    .redirectErrorStream(true).redirectOutput(Path.of("target/bench-service.log").toFile()).start();
            var service = new Service(process, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                try {
                    var r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return service;
                    }
                } catch (IOException notYet) {
                    // starting
                }
                Thread.sleep(200);
            }
            process.destroyForcibly();
            throw new IllegalStateException("service did not become ready; see target/bench-service.log");
        }

        String post(String body) throws Exception {
            var r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs?wait=60"))
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
