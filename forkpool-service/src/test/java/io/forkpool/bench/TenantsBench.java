package io.forkpool.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fair share and priority figures of issue 20, against a running service with tenants a
 * (weight 2), b (weight 1) and root (admin), keys {@code a-key}, {@code b-key}, {@code root-key}
 * (bench/tenants.sh starts it). Prints figures; asserts nothing.
 *
 * <ol>
 *   <li>a and b each keep 4 large jobs queued for {@code seconds}: worker-seconds of each (the
 *       shards' compute time, from the Prometheus scrape) and their ratio;
 *   <li>while a floods large jobs, b's tiny jobs one after another: p50 and p99 from POST to end,
 *       against the median shard time of a's large jobs;
 *   <li>a {@code high} job of a's among a's own large jobs: submission to start.
 * </ol>
 */
public class TenantsBench {

    private static final String LARGE = "{\"type\":\"pi\",\"samples\":100000000000,\"seed\":%d%s}";
    private static final String TINY = "{\"type\":\"pi\",\"samples\":1000,\"seed\":%d}";
    private static final Pattern SECONDS = Pattern.compile(
            "forkpool_shards_duration_seconds_(sum|count)\\{[^}]*tenant=\"([a-z0-9-]+)\"[^}]*\\} ([0-9.eE+-]+)");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String base;
    private long seed = 1;

    TenantsBench(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        var bench = new TenantsBench(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        bench.share(seconds);
        bench.tinyUnderFlood(Math.max(10, seconds / 2));
        bench.highStart();
    }

    private void share(int seconds) throws Exception {
        var before = workerSeconds();
        var a = new ArrayList<String>();
        var b = new ArrayList<String>();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            topUp(a, "a-key", 4, "");
            topUp(b, "b-key", 4, "");
            Thread.sleep(200);
        }
        var after = workerSeconds();
        cancel(a, "a-key");
        cancel(b, "b-key");
        double sa = after.sum("a") - before.sum("a");
        double sb = after.sum("b") - before.sum("b");
        System.out.printf(
                "share: %d s, a (weight 2) %.1f worker-s, b (weight 1) %.1f worker-s, a/b = %.3f (target 2.000 ±10%%)%n",
                seconds, sa, sb, sa / sb);
        System.out.printf(
                "share: median-ish shard time (sum/count over the run) a %.1f ms, b %.1f ms%n",
                1000 * sa / Math.max(1, after.count("a") - before.count("a")),
                1000 * sb / Math.max(1, after.count("b") - before.count("b")));
    }

    private void tinyUnderFlood(int seconds) throws Exception {
        var before = workerSeconds();
        var a = new ArrayList<String>();
        var latencies = new ArrayList<Double>();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            topUp(a, "a-key", 8, "");
            long t0 = System.nanoTime();
            var r = send("POST", "/api/v1/jobs?wait=30", "b-key", TINY.formatted(seed++));
            long t1 = System.nanoTime();
            if (r.statusCode() == 200) {
                latencies.add((t1 - t0) / 1e6);
            }
        }
        var after = workerSeconds();
        cancel(a, "a-key");
        Collections.sort(latencies);
        double shardMs = 1000 * (after.sum("a") - before.sum("a")) / Math.max(1, after.count("a") - before.count("a"));
        System.out.printf(
                "tiny under flood: %d of b's tiny jobs, p50 %.1f ms, p99 %.1f ms; a's shards %.1f ms on average"
                        + " (targets: p50 <= %.1f ms, p99 <= %.1f ms)%n",
                latencies.size(), pct(latencies, 50), pct(latencies, 99), shardMs, shardMs + 5, 3 * shardMs);
    }

    private void highStart() throws Exception {
        var a = new ArrayList<String>();
        topUp(a, "a-key", 6, "");
        Thread.sleep(3000); // a's large jobs are running and queued
        var delays = new ArrayList<Double>();
        for (int i = 0; i < 5; i++) {
            var r = send("POST", "/api/v1/jobs", "a-key", LARGE.formatted(seed++, ",\"priority\":\"high\""));
            String id = json.readTree(r.body()).path("id").asString();
            JsonNode job;
            do {
                Thread.sleep(5);
                job = json.readTree(
                        send("GET", "/api/v1/jobs/" + id, "a-key", null).body());
            } while (job.path("startedAt").isNull() || job.path("startedAt").isMissingNode());
            delays.add(Duration.between(
                                    Instant.parse(job.path("submittedAt").asString()),
                                    Instant.parse(job.path("startedAt").asString()))
                            .toNanos()
                    / 1e6);
            send("DELETE", "/api/v1/jobs/" + id, "a-key", null);
        }
        cancel(a, "a-key");
        Collections.sort(delays);
        System.out.printf(
                "high among a's own large jobs: submission to start, 5 tries: %s ms (median %.1f)%n",
                delays.stream().map(d -> "%.1f".formatted(d)).toList(), pct(delays, 50));
    }

    /** Keeps {@code n} of the tenant's large jobs unfinished. */
    private void topUp(List<String> ids, String key, int n, String extra) throws Exception {
        ids.removeIf(id -> {
            try {
                String status = json.readTree(
                                send("GET", "/api/v1/jobs/" + id, key, null).body())
                        .path("status")
                        .asString();
                return !status.equals("QUEUED") && !status.equals("RUNNING");
            } catch (Exception e) {
                return true;
            }
        });
        while (ids.size() < n) {
            var r = send("POST", "/api/v1/jobs", key, LARGE.formatted(seed++, extra));
            ids.add(json.readTree(r.body()).path("id").asString());
        }
    }

    private void cancel(List<String> ids, String key) throws Exception {
        for (String id : ids) {
            send("DELETE", "/api/v1/jobs/" + id, key, null);
        }
    }

    private record Seconds(Map<String, double[]> byTenant) {
        double sum(String t) {
            return byTenant.getOrDefault(t, new double[2])[0];
        }

        double count(String t) {
            return byTenant.getOrDefault(t, new double[2])[1];
        }
    }

    /** Per tenant, the shards' compute seconds and count so far (summed over types). */
    private Seconds workerSeconds() throws Exception {
        String scrape = send("GET", "/actuator/prometheus", "root-key", null).body();
        var out = new TreeMap<String, double[]>();
        var m = SECONDS.matcher(scrape);
        while (m.find()) {
            out.computeIfAbsent(m.group(2), k -> new double[2])[m.group(1).equals("sum") ? 0 : 1] +=
                    Double.parseDouble(m.group(3));
        }
        return new Seconds(out);
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("X-API-Key", key)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
