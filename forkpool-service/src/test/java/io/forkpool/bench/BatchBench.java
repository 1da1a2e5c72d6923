package io.forkpool.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Jobs per second from one client, one request at a time: {@code jobs} tiny jobs as single POSTs
 * against the same jobs as batches of {@code size} (POST /api/v1/batches), alternating in one run
 * of one service. "admitted" is the submissions alone (every job answered 202); "ended" runs until
 * the service has ended them all. Prints figures; asserts nothing.
 *
 * <pre>bench/batches.sh [jobs] [batch size] [rounds]</pre>
 */
public class BatchBench {

    private static final String TINY = "{\"type\":\"pi\",\"samples\":1000,\"seed\":%d}";
    private static final Pattern TOTAL = Pattern.compile("\"totalElements\":(\\d+)");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;

    BatchBench(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        var bench = new BatchBench(args[0]);
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        bench.singles(200); // warm: the service's paths, the client's connection
        bench.batches(200, size);
        bench.awaitIdle();
        System.out.printf("%-8s %5s %14s %14s%n", "form", "round", "admitted j/s", "ended j/s");
        var single = new ArrayList<Double>();
        var batched = new ArrayList<Double>();
        var singleEnded = new ArrayList<Double>();
        var batchedEnded = new ArrayList<Double>();
        for (int round = 1; round <= rounds; round++) {
            double[] s = bench.timed(() -> bench.singles(jobs), jobs);
            single.add(s[0]);
            singleEnded.add(s[1]);
            System.out.printf("%-8s %5d %14.0f %14.0f%n", "single", round, s[0], s[1]);
            double[] b = bench.timed(() -> bench.batches(jobs, size), jobs);
            batched.add(b[0]);
            batchedEnded.add(b[1]);
            System.out.printf("%-8s %5d %14.0f %14.0f%n", "batch" + size, round, b[0], b[1]);
        }
        System.out.printf(
                "batches of %d / single POSTs, medians: admitted %.1fx, ended %.1fx%n",
                size, median(batched) / median(single), median(batchedEnded) / median(singleEnded));
    }

    /** {admitted jobs/s, ended jobs/s} of one run of {@code submit}, which sends {@code jobs} jobs. */
    private double[] timed(Runnable submit, int jobs) throws Exception {
        long before = ended();
        long start = System.nanoTime();
        submit.run();
        double admitted = (System.nanoTime() - start) / 1e9;
        while (ended() < before + jobs) {
            Thread.sleep(5);
        }
        double all = (System.nanoTime() - start) / 1e9;
        return new double[] {jobs / admitted, jobs / all};
    }

    private void singles(int jobs) {
        for (int i = 0; i < jobs; i++) {
            post("/api/v1/jobs", TINY.formatted(i));
        }
    }

    private void batches(int jobs, int size) {
        for (int from = 0; from < jobs; from += size) {
            var bodies = new ArrayList<String>();
            for (int i = from; i < Math.min(jobs, from + size); i++) {
                bodies.add(TINY.formatted(i));
            }
            post("/api/v1/batches", "{\"jobs\":[" + String.join(",", bodies) + "]}");
        }
    }

    private void awaitIdle() throws Exception {
        while (count("/api/v1/jobs?size=1&status=QUEUED") + count("/api/v1/jobs?size=1&status=RUNNING") > 0) {
            Thread.sleep(20);
        }
    }

    private long ended() {
        return count("/api/v1/jobs?size=1&status=SUCCEEDED");
    }

    private long count(String path) {
        var m = TOTAL.matcher(
                send(HttpRequest.newBuilder(URI.create(base + path)).GET().build())
                        .body());
        if (!m.find()) {
            throw new IllegalStateException("no totalElements in " + path);
        }
        return Long.parseLong(m.group(1));
    }

    private void post(String path, String body) {
        var response = send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        if (response.statusCode() != 202) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri() + " failed", e);
        }
    }

    private static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
