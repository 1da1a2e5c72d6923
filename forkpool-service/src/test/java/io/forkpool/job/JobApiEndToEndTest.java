package io.forkpool.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.forkpool.web.Api;
import io.forkpool.web.ForkpoolServiceTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The jobs API through real HTTP, with the real worker processes computing: every kind's result
 * against values known independently, and the API's behaviours around a job (202 + Location,
 * determinism, defaults, paging, idempotency, cancel, events), workers, health, metrics, docs.
 */
@ForkpoolServiceTest
class JobApiEndToEndTest {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void ready() throws InterruptedException {
        api = new Api(port);
        awaitReadiness(api);
    }

    /** Waits (bounded) until readiness says UP: the pool has started. */
    static void awaitReadiness(Api api) {
        await("readiness UP").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    var readiness = api.get("/actuator/health/readiness");
                    assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
                    assertThat(readiness.body()).contains("\"UP\"");
                });
    }

    // ---------------------------------------------------------------- one test per kind

    @Test
    void piEstimateIsWithinFiveStandardErrorsOfPi() {
        JsonNode job = api.runToSuccess("{\"type\":\"pi\",\"samples\":10000000,\"seed\":11}");
        assertThat(job.path("type").asString()).isEqualTo("pi");
        JsonNode r = job.path("result");
        double estimate = r.path("estimate").doubleValue();
        double stdError = r.path("stdError").doubleValue();
        long inside = r.path("inside").longValue();
        long samples = r.path("samples").longValue();

        assertThat(samples).isEqualTo(10_000_000L);
        assertThat(estimate).isEqualTo(4.0 * inside / samples);
        double p = (double) inside / samples;
        assertThat(stdError).isCloseTo(4 * Math.sqrt(p * (1 - p) / samples), within(1e-12));
        // About 5.2e-4 for 10^7 samples: a wrong formula (no sqrt, no 4, n instead of √n) is far off.
        assertThat(stdError).isBetween(4e-4, 6e-4);
        assertThat(Math.abs(estimate - Math.PI)).as("|estimate - pi| in stdErrors").isLessThan(5 * stdError);
        JsonNode ci = r.path("ci95");
        assertThat(ci.size()).isEqualTo(2);
        assertThat(ci.get(0).doubleValue()).isLessThan(estimate);
        assertThat(ci.get(1).doubleValue()).isGreaterThan(estimate);
        assertThat(ci.get(1).doubleValue() - ci.get(0).doubleValue())
                .isCloseTo(2 * 1.959963984540054 * stdError, within(1e-9));

        assertThat(job.path("progress").path("shardsDone").intValue())
                .isEqualTo(job.path("progress").path("shardsTotal").intValue()).isPositive();
        assertThat(job.path("submittedAt").isString()).isTrue();
        assertThat(job.path("startedAt").isString()).isTrue();
        assertThat(job.path("finishedAt").isString()).isTrue();
        assertThat(job.path("timings").path("runSeconds").doubleValue()).isGreaterThan(0);
        assertThat(job.path("timings").path("computeSeconds").doubleValue()).isGreaterThan(0);
    }

    @Test
    void projectileWithDefaultsBinsTheAnalyticRange() {
        long samples = 200_000;
        JsonNode job = api.runToSuccess("{\"type\":\"projectile\",\"samples\":" + samples + ",\"seed\":12}");
        JsonNode r = job.path("result");
        JsonNode bins = r.path("bins");
        assertThat(bins.size()).isEqualTo(20);
        // range = v² sin 2θ / g: min at (99 m/s, 30°), max at (100 m/s, 31°), g = 9.81
        double min = 99.0 * 99.0 * Math.sin(Math.toRadians(60)) / 9.81;
        double max = 100.0 * 100.0 * Math.sin(Math.toRadians(62)) / 9.81;
        assertThat(min).isCloseTo(865.23, within(0.01));
        assertThat(max).isCloseTo(900.05, within(0.01));
        assertThat(bins.get(0).path("from").doubleValue()).isCloseTo(min, within(1e-6));
        assertThat(bins.get(19).path("to").doubleValue()).isCloseTo(max, within(1e-6));
        assertThat(r.path("minRange").doubleValue()).isCloseTo(min, within(1e-6));
        assertThat(r.path("maxRange").doubleValue()).isCloseTo(max, within(1e-6));
        assertThat(r.path("samples").longValue()).isEqualTo(samples);

        long sum = 0;
        double width = (max - min) / 20;
        for (int i = 0; i < 20; i++) {
            JsonNode bin = bins.get(i);
            assertThat(bin.path("to").doubleValue() - bin.path("from").doubleValue())
                    .as("width of bin %d", i).isCloseTo(width, within(1e-6));
            if (i > 0) {
                assertThat(bin.path("from").doubleValue()).isEqualTo(bins.get(i - 1).path("to").doubleValue());
            }
            long count = bin.path("count").longValue();
            assertThat(count).as("count of bin %d", i).isNotNegative();
            sum += count;
        }
        assertThat(sum).isEqualTo(samples);
        // Ranges spread over the whole interval: neither end is empty, no bin holds nearly all.
        assertThat(bins.get(0).path("count").longValue()).isPositive();
        assertThat(bins.get(19).path("count").longValue()).isPositive();
        for (JsonNode bin : bins) {
            assertThat(bin.path("count").longValue()).isLessThan(samples / 4);
        }
    }

    @Test
    void diceCountsSumToRollsAndLookFair() {
        long rolls = 600_000;
        JsonNode r = api.runToSuccess("{\"type\":\"dice\",\"rolls\":" + rolls + ",\"faces\":6,\"seed\":13}").path("result");
        JsonNode counts = r.path("counts");
        JsonNode frequencies = r.path("frequencies");
        assertThat(counts.size()).isEqualTo(6);
        assertThat(frequencies.size()).isEqualTo(6);
        long sum = 0;
        double chiSquare = 0;
        double expected = rolls / 6.0;
        double sd = Math.sqrt(rolls * (1 / 6.0) * (5 / 6.0));
        for (int face = 0; face < 6; face++) {
            long count = counts.get(face).longValue();
            sum += count;
            assertThat((double) count).as("count of face %d", face).isCloseTo(expected, within(6 * sd));
            assertThat(frequencies.get(face).doubleValue()).isCloseTo((double) count / rolls, within(1e-15));
            chiSquare += (count - expected) * (count - expected) / expected;
        }
        assertThat(sum).isEqualTo(rolls);
        assertThat(r.path("chiSquare").doubleValue()).isCloseTo(chiSquare, within(1e-9));
        assertThat(r.path("pValue").doubleValue()).isGreaterThan(1e-6).isLessThanOrEqualTo(1.0);
    }

    @Test
    void sineIsThePartialTaylorSum() {
        JsonNode small = api.runToSuccess("{\"type\":\"sine\",\"x\":0.5,\"terms\":3}").path("result");
        // 0.5 - 0.5³/3! + 0.5⁵/5!
        assertThat(small.path("approximation").doubleValue()).isEqualTo(0.47942708333333334);
        assertThat(small.path("exact").doubleValue()).isEqualTo(Math.sin(0.5));
        assertThat(small.path("absError").doubleValue())
                .isCloseTo(Math.abs(0.47942708333333334 - Math.sin(0.5)), within(1e-17));
        assertThat(small.path("terms").intValue()).isEqualTo(3);

        JsonNode pi = api.runToSuccess("{\"type\":\"sine\",\"x\":" + Math.PI + ",\"terms\":5}").path("result");
        assertThat(pi.path("approximation").doubleValue()).isEqualTo(0.006925270707504924);

        // 100 terms over 13 shards; the terms reach 30^29/29! ≈ 7e11, so a plain double sum loses
        // about 1e-4: only a sum exact enough gets within 1e-9 of sin 30.
        JsonNode large = api.runToSuccess("{\"type\":\"sine\",\"x\":30,\"terms\":100}").path("result");
        assertThat(large.path("approximation").doubleValue()).isCloseTo(Math.sin(30), within(1e-9));
        assertThat(large.path("exact").doubleValue()).isEqualTo(Math.sin(30));
        assertThat(large.path("absError").doubleValue()).isLessThan(1e-9);
    }

    @Test
    void smallestMultipleFindsTheFactorOrNothing() {
        JsonNode seven = api.runToSuccess("{\"type\":\"smallest-multiple\",\"samples\":100000,\"factor\":7,\"seed\":14}")
                .path("result");
        // P(7 never drawn from [1, 1000) in 10^5 draws) = (998/999)^100000 ≈ e^-100
        assertThat(seven.path("smallest").isNumber()).as(seven.toString()).isTrue();
        assertThat(seven.path("smallest").longValue()).isEqualTo(7);
        // 142 multiples of 7 in [1, 999]: about 100000·142/999 = 14214 draws, sd ≈ 110
        assertThat(seven.path("multiples").longValue()).isBetween(14_214L - 800, 14_214L + 800);

        JsonNode none = api.runToSuccess(
                "{\"type\":\"smallest-multiple\",\"samples\":100000,\"factor\":5000,\"high\":1000}").path("result");
        assertThat(none.has("smallest")).as("smallest is present, as null: %s", none).isTrue();
        assertThat(none.path("smallest").isNull()).as(none.toString()).isTrue();
        assertThat(none.path("multiples").longValue()).isZero();
    }

    // ---------------------------------------------------------------- around a job

    @Test
    void postWithoutWaitAnswers202WithALocationThatServesTheJob() throws InterruptedException {
        var response = api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":1000000}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode posted = Api.parse(response.body());
        String id = posted.path("id").asString();
        assertThat(id).isNotBlank();
        assertThat(posted.path("status").asString()).isIn("QUEUED", "RUNNING", "SUCCEEDED");
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith("/api/v1/jobs/" + id);

        String path = location.startsWith("http") ? java.net.URI.create(location).getPath() : location;
        JsonNode job = pollUntilFinal(path);
        assertThat(job.path("id").asString()).isEqualTo(id);
        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("result").path("samples").longValue()).isEqualTo(1_000_000L);
    }

    @Test
    void sameSeedGivesIdenticalResultsAndADifferentSeedDoesNot() {
        // 3·10^7 samples is two pi shards: computed by two workers, merged in any order.
        String body = "{\"type\":\"pi\",\"samples\":30000000,\"seed\":42}";
        JsonNode first = api.runToSuccess(body);
        JsonNode second = api.runToSuccess(body);
        assertThat(second.path("id").asString()).isNotEqualTo(first.path("id").asString());
        assertThat(second.path("result")).isEqualTo(first.path("result"));
        JsonNode other = api.runToSuccess("{\"type\":\"pi\",\"samples\":30000000,\"seed\":43}");
        assertThat(other.path("result").path("inside").longValue())
                .isNotEqualTo(first.path("result").path("inside").longValue());

        String dice = "{\"type\":\"dice\",\"rolls\":1000000,\"faces\":10,\"seed\":-7}";
        assertThat(api.runToSuccess(dice).path("result")).isEqualTo(api.runToSuccess(dice).path("result"));
    }

    @Test
    void requestInTheAnswerHasDefaultsAndASeedThatRepeatsTheRun() {
        JsonNode job = api.runToSuccess("{\"type\":\"projectile\",\"samples\":100000}");
        JsonNode request = job.path("request");
        assertThat(request.path("type").asString()).isEqualTo("projectile");
        assertThat(request.path("samples").longValue()).isEqualTo(100_000L);
        assertThat(request.path("bins").intValue()).isEqualTo(20);
        assertThat(request.path("angleMinDeg").doubleValue()).isEqualTo(30.0);
        assertThat(request.path("angleMaxDeg").doubleValue()).isEqualTo(31.0);
        assertThat(request.path("speedMin").doubleValue()).isEqualTo(99.0);
        assertThat(request.path("speedMax").doubleValue()).isEqualTo(100.0);
        assertThat(request.path("gravity").doubleValue()).isEqualTo(9.81);
        assertThat(request.path("seed").isIntegralNumber()).as(request.toString()).isTrue();

        JsonNode again = api.runToSuccess(request.toString());
        assertThat(again.path("request")).isEqualTo(request);
        assertThat(again.path("result")).isEqualTo(job.path("result"));

        JsonNode dice = api.runToSuccess("{\"type\":\"dice\",\"rolls\":1000}").path("request");
        assertThat(dice.path("faces").intValue()).isEqualTo(6);
        assertThat(dice.path("seed").isIntegralNumber()).isTrue();
        JsonNode multiple = api.runToSuccess("{\"type\":\"smallest-multiple\",\"samples\":1000,\"factor\":3}")
                .path("request");
        assertThat(multiple.path("low").longValue()).isEqualTo(1);
        assertThat(multiple.path("high").longValue()).isEqualTo(1000);
        assertThat(multiple.path("seed").isIntegralNumber()).isTrue();
        // Two requests without a seed get different seeds.
        JsonNode pi1 = api.runToSuccess("{\"type\":\"pi\",\"samples\":1000}").path("request");
        JsonNode pi2 = api.runToSuccess("{\"type\":\"pi\",\"samples\":1000}").path("request");
        assertThat(pi1.path("seed").longValue()).isNotEqualTo(pi2.path("seed").longValue());
    }

    @Test
    void listIsFilteredPagedAndNewestFirst() {
        long before = Api.parse(api.get("/api/v1/jobs?type=dice&status=SUCCEEDED&size=2").body())
                .path("totalElements").longValue();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(api.runToSuccess("{\"type\":\"dice\",\"rolls\":" + (1000 + i) + "}").path("id").asString());
        }
        api.runToSuccess("{\"type\":\"pi\",\"samples\":1000}"); // newer, but another type

        var response = api.get("/api/v1/jobs?type=dice&status=SUCCEEDED&size=2");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode page = Api.parse(response.body());
        assertThat(page.path("totalElements").longValue()).isEqualTo(before + 3);
        assertThat(page.path("totalPages").longValue()).isEqualTo((before + 3 + 1) / 2);
        assertThat(page.path("size").intValue()).isEqualTo(2);
        assertThat(page.path("page").intValue()).isZero();
        JsonNode content = page.path("content");
        assertThat(content.size()).isEqualTo(2);
        assertThat(content.get(0).path("id").asString()).isEqualTo(ids.get(2));
        assertThat(content.get(1).path("id").asString()).isEqualTo(ids.get(1));
        for (JsonNode job : content) {
            assertThat(job.path("type").asString()).isEqualTo("dice");
            assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        }

        JsonNode next = Api.parse(api.get("/api/v1/jobs?type=dice&status=SUCCEEDED&size=2&page=1").body());
        assertThat(next.path("content").get(0).path("id").asString()).isEqualTo(ids.get(0));

        JsonNode cancelled = Api.parse(api.get("/api/v1/jobs?type=dice&status=cancelled").body());
        for (JsonNode job : cancelled.path("content")) {
            assertThat(job.path("status").asString()).isEqualTo("CANCELLED");
        }
        assertThat(StreamSupport.stream(cancelled.path("content").spliterator(), false)
                .map(j -> j.path("id").asString()).toList()).doesNotContainAnyElementsOf(ids);
    }

    @Test
    void idempotencyKeyGivesTheSameJobForTheSameBodyAnd409ForAnother() {
        String key = UUID.randomUUID().toString();
        String body = "{\"type\":\"pi\",\"samples\":2000000}";
        var first = api.post("/api/v1/jobs?wait=30", body, b -> b.header("Idempotency-Key", key));
        assertThat(first.statusCode()).as(first.body()).isIn(200, 202);
        String id = Api.parse(first.body()).path("id").asString();

        var again = api.post("/api/v1/jobs", body, b -> b.header("Idempotency-Key", key));
        assertThat(again.statusCode()).as(again.body()).isIn(200, 202);
        assertThat(Api.parse(again.body()).path("id").asString()).isEqualTo(id);
        assertThat(again.headers().firstValue("Location").orElse("")).endsWith("/api/v1/jobs/" + id);

        var other = api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":2000001}",
                b -> b.header("Idempotency-Key", key));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
        assertThat(other.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(Api.parse(other.body()).path("status").intValue()).isEqualTo(409);

        // Another key is another job.
        var fresh = api.post("/api/v1/jobs", body, b -> b.header("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(fresh.statusCode()).isEqualTo(202);
        assertThat(Api.parse(fresh.body()).path("id").asString()).isNotEqualTo(id);
    }

    /** Concurrent POSTs with one key and one body make one job (the key is reserved atomically). */
    @Test
    void concurrentPostsWithOneIdempotencyKeyMakeOneJob() throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 10; round++) {
                String key = "race-" + UUID.randomUUID();
                var start = new CountDownLatch(1);
                var answers = new ArrayList<Future<HttpResponse<String>>>();
                for (int i = 0; i < 32; i++) {
                    answers.add(threads.submit(() -> {
                        start.await();
                        return api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":1000}",
                                b -> b.header("Idempotency-Key", key));
                    }));
                }
                start.countDown();
                var ids = new HashSet<String>();
                for (var answer : answers) {
                    var response = answer.get(30, TimeUnit.SECONDS);
                    assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
                    ids.add(Api.parse(response.body()).path("id").asString());
                }
                assertThat(ids).as("jobs made by 32 concurrent POSTs with key %s", key).hasSize(1);
            }
        }
    }

    @Test
    void deleteCancelsAHugeJobAndFreesEveryWorker() throws InterruptedException {
        var posted = api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":10000000000000}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String id = Api.parse(posted.body()).path("id").asString();
        awaitStatus(id, "RUNNING", Duration.ofSeconds(10));

        var deleted = api.delete("/api/v1/jobs/" + id);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        JsonNode job = Api.parse(deleted.body());
        assertThat(job.path("id").asString()).isEqualTo(id);
        assertThat(job.path("status").asString()).isEqualTo("CANCELLED");
        assertThat(job.path("finishedAt").isString()).isTrue();
        assertThat(job.path("progress").path("shardsDone").intValue())
                .isLessThan(job.path("progress").path("shardsTotal").intValue());

        awaitWorkersIdle(Duration.ofSeconds(2));
        assertThat(Api.parse(api.get("/api/v1/jobs/" + id).body()).path("status").asString()).isEqualTo("CANCELLED");
        // Still CANCELLED after the in-flight answers arrived, and the pool works on.
        api.runToSuccess("{\"type\":\"pi\",\"samples\":1000}");
        assertThat(Api.parse(api.get("/api/v1/jobs/" + id).body()).path("status").asString()).isEqualTo("CANCELLED");
        // A second DELETE answers the job as it is.
        var again = api.delete("/api/v1/jobs/" + id);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Api.parse(again.body()).path("status").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void eventsStreamProgressThenTheFinishedJob() {
        // About 20 pi shards of 1.7·10^7 samples: some hundreds of ms on two workers.
        var posted = api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":300000000}");
        assertThat(posted.statusCode()).isEqualTo(202);
        String id = Api.parse(posted.body()).path("id").asString();

        List<Map.Entry<String, String>> events = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            var request = api.request("/api/v1/jobs/" + id + "/events").header("Accept", "text/event-stream")
                    .GET().build();
            HttpResponse<java.util.stream.Stream<String>> response =
                    api.client().send(request, HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            var seen = new ArrayList<Map.Entry<String, String>>();
            try (var lines = response.body()) {
                String name = null;
                StringBuilder data = new StringBuilder();
                for (var it = lines.iterator(); it.hasNext(); ) {
                    String line = it.next();
                    if (line.isEmpty()) {
                        if (name != null || !data.isEmpty()) {
                            seen.add(Map.entry(name == null ? "message" : name, data.toString()));
                        }
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).strip());
                    }
                }
                if (name != null || !data.isEmpty()) {
                    seen.add(Map.entry(name == null ? "message" : name, data.toString()));
                }
            }
            return seen;
        });

        assertThat(events).as("events").isNotEmpty();
        var last = events.getLast();
        assertThat(last.getKey()).as("last of %s", events).isEqualTo("job");
        assertThat(events.stream().filter(e -> e.getKey().equals("job")).count()).isEqualTo(1);
        JsonNode job = Api.parse(last.getValue());
        assertThat(job.path("id").asString()).isEqualTo(id);
        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("result").path("samples").longValue()).isEqualTo(300_000_000L);
        int shardsTotal = job.path("progress").path("shardsTotal").intValue();
        assertThat(shardsTotal).isGreaterThan(1);
        assertThat(job.path("progress").path("shardsDone").intValue()).isEqualTo(shardsTotal);

        var progress = events.stream().filter(e -> e.getKey().equals("progress")).toList();
        assertThat(progress).as("progress events in %s", events).isNotEmpty();
        int done = -1;
        for (var e : progress) {
            JsonNode p = Api.parse(e.getValue());
            assertThat(p.path("shardsTotal").intValue()).isEqualTo(shardsTotal);
            // each progress event reports a move, never backwards, never the whole job
            assertThat(p.path("shardsDone").intValue()).isGreaterThan(done).isLessThanOrEqualTo(shardsTotal);
            done = p.path("shardsDone").intValue();
        }
    }

    // ---------------------------------------------------------------- service surface

    @Test
    void workersAreTwoLiveChildProcesses() {
        var response = api.get("/api/v1/workers");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode workers = Api.parse(response.body());
        assertThat(workers.size()).as(response.body()).isEqualTo(2);
        var pids = new HashSet<Long>();
        var ids = new HashSet<Integer>();
        for (JsonNode w : workers) {
            long pid = w.path("pid").longValue();
            assertThat(pid).isPositive();
            pids.add(pid);
            ids.add(w.path("id").intValue());
            assertThat(w.path("state").asString()).isIn("idle", "busy");
            assertThat(w.path("restarts").isIntegralNumber()).isTrue();
            assertThat(w.path("restarts").intValue()).isZero();
            assertThat(w.path("shardsCompleted").isIntegralNumber()).isTrue();
            assertThat(w.path("startedAt").isString()).isTrue();
            var process = ProcessHandle.of(pid);
            assertThat(process).as("worker process %d", pid).isPresent();
            assertThat(process.get().isAlive()).isTrue();
            assertThat(process.get().parent().map(ProcessHandle::pid)).as("parent of worker %d", pid)
                    .contains(ProcessHandle.current().pid());
        }
        assertThat(pids).hasSize(2);
        assertThat(ids).hasSize(2);
    }

    @Test
    void readinessIsUp() {
        var response = api.get("/actuator/health/readiness");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Api.parse(response.body()).path("status").asString()).isEqualTo("UP");
        var liveness = api.get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(Api.parse(liveness.body()).path("status").asString()).isEqualTo("UP");
    }

    @Test
    void prometheusHasTheContractMetricsWithValuesAndNoJobIds() throws InterruptedException {
        // shards of jobs cancelled by other tests may still be computing: their samples count too
        awaitWorkersIdle(Duration.ofSeconds(10));
        Map<String, Double> before = scrape();
        List<String> mine = new ArrayList<>();
        mine.add(api.runToSuccess("{\"type\":\"pi\",\"samples\":1000000}").path("id").asString());
        mine.add(api.runToSuccess("{\"type\":\"dice\",\"rolls\":1000}").path("id").asString());
        mine.add(api.runToSuccess("{\"type\":\"projectile\",\"samples\":1000}").path("id").asString());
        mine.add(api.runToSuccess("{\"type\":\"sine\",\"x\":1,\"terms\":20}").path("id").asString());
        mine.add(api.runToSuccess("{\"type\":\"smallest-multiple\",\"samples\":1000,\"factor\":3}").path("id")
                .asString());

        var response = api.get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        String text = response.body();
        for (String name : List.of("forkpool_jobs_submitted_total", "forkpool_jobs_duration_seconds_bucket",
                "forkpool_jobs_queue_wait_seconds_bucket", "forkpool_jobs_active",
                "forkpool_shards_duration_seconds_bucket", "forkpool_shards_queued", "forkpool_workers{",
                "forkpool_workers_spawn_seconds_bucket", "forkpool_samples_total")) {
            assertThat(text).as("metric %s", name).contains(name);
        }
        Map<String, Double> after = parse(text);

        for (String type : List.of("pi", "dice", "projectile", "sine", "smallest-multiple")) {
            assertThat(delta(before, after, "forkpool_jobs_submitted_total", "type=\"" + type + "\""))
                    .as("submitted %s", type).isEqualTo(1.0);
            assertThat(delta(before, after, "forkpool_jobs_duration_seconds_count",
                    "type=\"" + type + "\"", "status=\"SUCCEEDED\"")).as("duration count %s", type).isEqualTo(1.0);
            assertThat(delta(before, after, "forkpool_jobs_queue_wait_seconds_count", "type=\"" + type + "\""))
                    .as("queue wait count %s", type).isEqualTo(1.0);
        }
        assertThat(delta(before, after, "forkpool_samples_total", "type=\"pi\"")).isEqualTo(1_000_000.0);
        assertThat(delta(before, after, "forkpool_samples_total", "type=\"dice\"")).isEqualTo(1000.0);
        assertThat(delta(before, after, "forkpool_samples_total", "type=\"sine\"")).isEqualTo(20.0);
        // 20 terms at 8 per shard: 3 shards
        assertThat(delta(before, after, "forkpool_shards_duration_seconds_count", "type=\"sine\"")).isEqualTo(3.0);
        assertThat(value(after, "forkpool_jobs_active")).isZero();
        assertThat(value(after, "forkpool_shards_queued")).isZero();
        double live = value(after, "forkpool_workers", "state=\"idle\"") + value(after, "forkpool_workers",
                "state=\"busy\"");
        assertThat(live).isEqualTo(2.0);
        assertThat(value(after, "forkpool_workers", "state=\"dead\"")).isZero();
        assertThat(value(after, "forkpool_workers_spawn_seconds_count")).isGreaterThanOrEqualTo(2.0);

        var ids = new HashSet<>(Api.JOB_IDS);
        ids.addAll(mine);
        assertThat(ids).hasSizeGreaterThanOrEqualTo(5);
        for (String id : ids) {
            assertThat(text).as("job id %s in the metrics", id).doesNotContain(id);
        }
        assertThat(text).doesNotContainPattern(
                Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
        assertThat(text).doesNotContain("shard=").doesNotContain("job=").doesNotContain("jobId");
    }

    @Test
    void swaggerUiAndOpenApiAreServed() {
        var ui = api.get("/swagger-ui.html");
        assertThat(ui.statusCode()).isIn(200, 301, 302, 303, 307, 308);
        if (ui.statusCode() != 200) {
            String location = ui.headers().firstValue("Location").orElseThrow();
            String path = location.startsWith("http") ? java.net.URI.create(location).getPath() : location;
            ui = api.get(path);
        }
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("swagger");

        var docs = api.get("/v3/api-docs");
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.headers().firstValue("Content-Type").orElse("")).contains("json");
        JsonNode openApi = Api.parse(docs.body());
        assertThat(openApi.path("openapi").asString()).startsWith("3.");
        assertThat(openApi.path("paths").has("/api/v1/jobs")).as(docs.body()).isTrue();
        assertThat(openApi.path("paths").has("/api/v1/jobs/{id}")).isTrue();
        assertThat(openApi.path("paths").path("/api/v1/jobs").has("post")).isTrue();
    }

    @Test
    void openApiHasAValidExamplePerKind() throws InterruptedException {
        JsonNode openApi = Api.parse(api.get("/v3/api-docs").body());
        JsonNode examples = openApi.path("paths").path("/api/v1/jobs").path("post").path("requestBody")
                .path("content").path("application/json").path("examples");
        var kinds = new HashSet<String>();
        for (var example : examples.properties()) {
            JsonNode value = example.getValue().path("value");
            if (value.isString()) {
                value = Api.parse(value.asString());
            }
            kinds.add(value.path("type").asString());
            // each example is a job the service accepts as it stands
            var posted = api.post("/api/v1/jobs", value.toString());
            assertThat(posted.statusCode()).as("example %s: %s", example.getKey(), posted.body()).isEqualTo(202);
            api.delete("/api/v1/jobs/" + Api.parse(posted.body()).path("id").asString());
        }
        assertThat(kinds).as("kinds of the examples in %s", examples)
                .containsExactlyInAnyOrder("pi", "projectile", "dice", "sine", "smallest-multiple");
        awaitWorkersIdle(Duration.ofSeconds(10));
    }

    // ---------------------------------------------------------------- helpers

    /** Polls (bounded) until both workers are idle: no shard is in flight. */
    private void awaitWorkersIdle(Duration within) {
        await("both workers idle").atMost(within).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            JsonNode workers = Api.parse(api.get("/api/v1/workers").body());
            assertThat(workers).as("%s", workers).hasSize(2)
                    .allSatisfy(w -> assertThat(w.path("state").asString()).isEqualTo("idle"));
        });
    }

    private JsonNode pollUntilFinal(String path) {
        return await("job " + path + " final").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    var response = api.get(path);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    return Api.parse(response.body());
                }, job -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.path("status").asString()));
    }

    private void awaitStatus(String id, String status, Duration timeout) {
        await("job " + id + " " + status).atMost(timeout).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
                assertThat(Api.parse(api.get("/api/v1/jobs/" + id).body()).path("status").asString())
                        .isEqualTo(status));
    }

    private Map<String, Double> scrape() {
        var response = api.get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return parse(response.body());
    }

    /** Prometheus text format: "name{labels} value" per sample line. */
    private static Map<String, Double> parse(String text) {
        var samples = new HashMap<String, Double>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** Sum of the samples of {@code name} whose labels contain every one of {@code labels}. */
    private static double value(Map<String, Double> samples, String name, String... labels) {
        return samples.entrySet().stream().filter(e -> {
            String key = e.getKey();
            String n = key.indexOf('{') < 0 ? key : key.substring(0, key.indexOf('{'));
            if (!n.equals(name)) {
                return false;
            }
            for (String label : labels) {
                if (!key.contains(label)) {
                    return false;
                }
            }
            return true;
        }).mapToDouble(Map.Entry::getValue).sum();
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name,
            String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }
}
