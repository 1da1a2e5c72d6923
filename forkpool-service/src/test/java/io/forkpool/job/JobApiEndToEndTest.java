package io.forkpool.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.forkpool.web.Api;
import io.forkpool.web.ForkpoolServiceTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The jobs API through real HTTP, with the real worker processes computing: its behaviours around
 * a job (202 + Location, determinism, defaults, paging, idempotency, cancel, events). The kinds'
 * results, the workers and health, the metrics and the API docs have their own classes, on the
 * same service ({@link ForkpoolServiceTest}).
 */
@ForkpoolServiceTest
class JobApiEndToEndTest {

    final Api api;

    JobApiEndToEndTest(Api api) {
        this.api = api;
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

        String path =
                location.startsWith("http") ? java.net.URI.create(location).getPath() : location;
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
        assertThat(api.runToSuccess(dice).path("result"))
                .isEqualTo(api.runToSuccess(dice).path("result"));
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
        assertThat(request.path("seed").isIntegralNumber())
                .as(request.toString())
                .isTrue();

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
        long before = Api.parse(api.get("/api/v1/jobs?type=dice&status=SUCCEEDED&size=2")
                        .body())
                .path("totalElements")
                .longValue();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(api.runToSuccess("{\"type\":\"dice\",\"rolls\":" + (1000 + i) + "}")
                    .path("id")
                    .asString());
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

        JsonNode next = Api.parse(
                api.get("/api/v1/jobs?type=dice&status=SUCCEEDED&size=2&page=1").body());
        assertThat(next.path("content").get(0).path("id").asString()).isEqualTo(ids.get(0));

        JsonNode cancelled =
                Api.parse(api.get("/api/v1/jobs?type=dice&status=cancelled").body());
        for (JsonNode job : cancelled.path("content")) {
            assertThat(job.path("status").asString()).isEqualTo("CANCELLED");
        }
        assertThat(StreamSupport.stream(cancelled.path("content").spliterator(), false)
                        .map(j -> j.path("id").asString())
                        .toList())
                .doesNotContainAnyElementsOf(ids);
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

        var other = api.post(
                "/api/v1/jobs", "{\"type\":\"pi\",\"samples\":2000001}", b -> b.header("Idempotency-Key", key));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
        assertThat(other.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(Api.parse(other.body()).path("status").intValue()).isEqualTo(409);

        // Another key is another job.
        var fresh = api.post(
                "/api/v1/jobs",
                body,
                b -> b.header("Idempotency-Key", UUID.randomUUID().toString()));
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
                        return api.post(
                                "/api/v1/jobs",
                                "{\"type\":\"pi\",\"samples\":1000}",
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
                assertThat(ids)
                        .as("jobs made by 32 concurrent POSTs with key %s", key)
                        .hasSize(1);
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

        api.awaitWorkersIdle(2, Duration.ofSeconds(2));
        assertThat(Api.parse(api.get("/api/v1/jobs/" + id).body())
                        .path("status")
                        .asString())
                .isEqualTo("CANCELLED");
        // Still CANCELLED after the in-flight answers arrived, and the pool works on.
        api.runToSuccess("{\"type\":\"pi\",\"samples\":1000}");
        assertThat(Api.parse(api.get("/api/v1/jobs/" + id).body())
                        .path("status")
                        .asString())
                .isEqualTo("CANCELLED");
        // A second DELETE answers the job as it is.
        var again = api.delete("/api/v1/jobs/" + id);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Api.parse(again.body()).path("status").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void aRunningJobShowsItsPartialResultAndACancelKeepsIt() {
        var posted = api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":10000000000000,\"seed\":3}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String id = Api.parse(posted.body()).path("id").asString();
        JsonNode running = await("a partial result")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> Api.parse(api.get("/api/v1/jobs/" + id).body()),
                        j -> j.path("partialResult").isObject());
        JsonNode partial = running.path("partialResult");
        long samples = partial.path("samples").longValue();
        assertThat(samples)
                .isPositive()
                .isEqualTo(partial.path("result").path("samples").longValue());
        assertThat(samples % (1L << 26)).as("whole shards of 2^26 samples").isZero();
        double estimate = partial.path("result").path("estimate").doubleValue();
        double stdError = partial.path("result").path("stdError").doubleValue();
        assertThat(Math.abs(estimate - Math.PI)).as("within 6 standard errors").isLessThan(6 * stdError);
        assertThat(running.path("result").isNull()).isTrue();

        JsonNode cancelled = Api.parse(api.delete("/api/v1/jobs/" + id).body());
        assertThat(cancelled.path("status").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.path("error").asString()).contains("partialResult");
        assertThat(cancelled.path("partialResult").path("samples").longValue()).isGreaterThanOrEqualTo(samples);
        JsonNode later = Api.parse(api.get("/api/v1/jobs/" + id).body());
        assertThat(later.path("partialResult")).isEqualTo(cancelled.path("partialResult"));
    }

    @Test
    void aJobWithATargetStopsOnItAndSaysSo() {
        JsonNode job =
                api.runToSuccess("{\"type\":\"pi\",\"samples\":3000000000,\"seed\":5,\"until\":{\"stdError\":0.0001}}");
        JsonNode convergence = job.path("convergence");
        assertThat(convergence.path("stoppedOn").asString()).isEqualTo("target");
        assertThat(convergence.path("met").booleanValue()).isTrue();
        long used = convergence.path("samplesUsed").longValue();
        assertThat(used)
                .isEqualTo(job.path("result").path("samples").longValue())
                .isLessThan(3_000_000_000L);
        assertThat(job.path("result").path("stdError").doubleValue()).isLessThanOrEqualTo(0.0001);
        assertThat(job.path("request").path("until").path("stdError").doubleValue())
                .isEqualTo(0.0001);
        // the same body again: the same prefix, the same bits
        JsonNode again =
                api.runToSuccess("{\"type\":\"pi\",\"samples\":3000000000,\"seed\":5,\"until\":{\"stdError\":0.0001}}");
        assertThat(again.path("result")).isEqualTo(job.path("result"));
    }

    @Test
    void untilOnAKindWithoutPrecisionFieldsIsA400NamingIt() {
        var response =
                api.post("/api/v1/jobs", "{\"type\":\"sine\",\"x\":1.0,\"terms\":10,\"until\":{\"absError\":1e-9}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = Api.parse(response.body());
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("until");
        var unknown = api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":1000,\"until\":{\"stdError\":-1}}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(Api.parse(unknown.body()).path("errors").get(0).path("field").asString())
                .isEqualTo("until.stdError");
    }

    @Test
    void eventsStreamProgressThenTheFinishedJob() {
        // About 160 pi shards: a second or more on two workers, so the stream opens while the job
        // runs (3·10^8, 16 shards, once ended in 0.3 s, before the stream opened: no progress event).
        var posted = api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":3000000000}");
        assertThat(posted.statusCode()).isEqualTo(202);
        String id = Api.parse(posted.body()).path("id").asString();

        List<Map.Entry<String, String>> events = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            var request = api.request("/api/v1/jobs/" + id + "/events")
                    .header("Accept", "text/event-stream")
                    .GET()
                    .build();
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
        assertThat(events.stream().filter(e -> e.getKey().equals("job")).count())
                .isEqualTo(1);
        JsonNode job = Api.parse(last.getValue());
        assertThat(job.path("id").asString()).isEqualTo(id);
        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("result").path("samples").longValue()).isEqualTo(3_000_000_000L);
        int shardsTotal = job.path("progress").path("shardsTotal").intValue();
        assertThat(shardsTotal).isGreaterThan(1);
        assertThat(job.path("progress").path("shardsDone").intValue()).isEqualTo(shardsTotal);

        var progress =
                events.stream().filter(e -> e.getKey().equals("progress")).toList();
        assertThat(progress).as("progress events in %s", events).isNotEmpty();
        int done = -1;
        for (var e : progress) {
            JsonNode p = Api.parse(e.getValue());
            assertThat(p.path("shardsTotal").intValue()).isEqualTo(shardsTotal);
            // each progress event reports a move, never backwards, never the whole job
            assertThat(p.path("shardsDone").intValue()).isGreaterThan(done).isLessThanOrEqualTo(shardsTotal);
            done = p.path("shardsDone").intValue();
            if (done > 0) {
                assertThat(p.path("partialResult")
                                .path("result")
                                .path("estimate")
                                .doubleValue())
                        .as("a partial estimate of pi in %s", p)
                        .isBetween(3.1, 3.2);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private JsonNode pollUntilFinal(String path) {
        return await("job " + path + " final")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> {
                            var response = api.get(path);
                            assertThat(response.statusCode())
                                    .as(response.body())
                                    .isEqualTo(200);
                            return Api.parse(response.body());
                        },
                        job -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                                .contains(job.path("status").asString()));
    }

    private void awaitStatus(String id, String status, Duration timeout) {
        await("job " + id + " " + status)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(
                                Api.parse(api.get("/api/v1/jobs/" + id).body())
                                        .path("status")
                                        .asString())
                        .isEqualTo(status));
    }
}
