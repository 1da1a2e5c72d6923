package io.forkpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.web.Api;
import io.forkpool.web.ServiceApi;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

/**
 * A bounded service under pressure: past {@code forkpool.queue.max-jobs} a POST is a 503 problem
 * with Retry-After, counted in the metrics, and nothing is queued for it; once jobs end it
 * accepts again. And fairness: behind a huge job that keeps the only worker busy, a tiny job
 * waits about one of the huge job's shards (counted in shards, not seconds), not for the huge job.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "forkpool.queue.max-jobs=3",
            "forkpool.workers.count=1",
            "forkpool.workers.warmup=0ms",
        })
@AutoConfigureMetrics
@ExtendWith(ServiceApi.class)
class OverloadTest {

    /** 10^13 samples: about a day of work for one worker. */
    private static final String HUGE = "{\"type\":\"pi\",\"samples\":10000000000000,\"seed\":1}";

    private static final String TINY = "{\"type\":\"pi\",\"samples\":100000,\"seed\":2}";
    private static final Pattern REJECTED =
            Pattern.compile("(?m)^forkpool_jobs_rejected_total\\{[^}]*reason=\"queue_full\"[^}]*} ([0-9.eE+]+)$");

    final Api api;

    OverloadTest(Api api) {
        this.api = api;
    }

    @AfterEach
    void cancelEverything() {
        for (JsonNode job : Api.parse(api.get("/api/v1/jobs?size=100").body()).path("content")) {
            if (List.of("QUEUED", "RUNNING").contains(job.path("status").asString())) {
                api.delete("/api/v1/jobs/" + job.path("id").asString());
            }
        }
        awaitWorkerIdle();
    }

    @Test
    void pastTheBoundAPostIs503WithRetryAfterAndCountedThenAcceptedAgain() throws InterruptedException {
        double rejectedBefore = rejectedQueueFull();
        var accepted = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            var response = api.post("/api/v1/jobs", HUGE);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            accepted.add(Api.parse(response.body()).path("id").asString());
        }

        for (String body : List.of(HUGE, TINY, "{\"type\":\"sine\",\"x\":1,\"terms\":3}")) {
            HttpResponse<String> full = api.post("/api/v1/jobs", body);
            assertThat(full.statusCode()).as(full.body()).isEqualTo(503);
            assertThat(full.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(full.headers().firstValue("Retry-After"))
                    .as("Retry-After")
                    .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
            assertThat(full.headers().firstValue("Location")).isEmpty();
            JsonNode problem = Api.parse(full.body());
            assertThat(problem.path("status").intValue()).isEqualTo(503);
            assertThat(problem.path("reason").asString()).isEqualTo("queue_full");
            assertThat(problem.path("detail").asString()).contains("3");
            ApiKeyTest.assertNothingInternal(full.body());
        }
        assertThat(rejectedQueueFull() - rejectedBefore)
                .as("forkpool_jobs_rejected_total{reason=queue_full}")
                .isEqualTo(3.0);
        // a refused POST left no job behind
        JsonNode page = Api.parse(api.get("/api/v1/jobs?size=100").body());
        long live = 0;
        for (JsonNode job : page.path("content")) {
            if (List.of("QUEUED", "RUNNING").contains(job.path("status").asString())) {
                live++;
                assertThat(accepted).contains(job.path("id").asString());
            }
        }
        assertThat(live).isEqualTo(3);

        // one job ends: one place frees up, and only one
        JsonNode cancelled =
                Api.parse(api.delete("/api/v1/jobs/" + accepted.get(0)).body());
        assertThat(cancelled.path("status").asString()).isEqualTo("CANCELLED");
        var again = api.post("/api/v1/jobs", HUGE);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        accepted.add(Api.parse(again.body()).path("id").asString());
        assertThat(api.post("/api/v1/jobs", TINY).statusCode()).isEqualTo(503);

        for (String id : accepted) {
            api.delete("/api/v1/jobs/" + id);
        }
        // all places free: a job runs to the end again
        JsonNode done = api.runToSuccess(TINY);
        assertThat(done.path("result").path("samples").longValue()).isEqualTo(100_000L);
    }

    @Test
    void aTinyJobBehindAHugeOneWaitsAboutOneShard() {
        var huge = api.post("/api/v1/jobs", HUGE);
        assertThat(huge.statusCode()).isEqualTo(202);
        String hugeId = Api.parse(huge.body()).path("id").asString();
        // let the huge job own the worker for a while: the pool is busy with it, shard after shard
        JsonNode first = awaitShardsDone(hugeId, 5);

        // Counted in shards of the huge job, not in seconds (which a loaded machine stretches): with
        // one worker, while a tiny job is in the service the huge one completes the shard in flight
        // when it came and at most one more (the turn order of the fair queue) before the tiny job's
        // shard runs; the readings just before and after the POST may catch one more. So 1 to 3
        // (2 and 3 seen at load average 20 on 2 cores); without fairness, all 149,012.
        int rounds = 10;
        int[] shardsDuring = new int[rounds];
        double[] waits = new double[rounds];
        int done = first.path("progress").path("shardsDone").intValue();
        for (int i = 0; i < rounds; i++) {
            // the worker is back on the huge job: it has finished one more of its shards
            JsonNode before = awaitShardsDone(hugeId, done + 1);
            long t0 = System.nanoTime();
            var tiny = api.post("/api/v1/jobs?wait=30", TINY);
            waits[i] = (System.nanoTime() - t0) / 1e9;
            JsonNode after = Api.parse(api.get("/api/v1/jobs/" + hugeId).body());
            assertThat(tiny.statusCode()).as(tiny.body()).isEqualTo(200);
            assertThat(Api.parse(tiny.body()).path("status").asString()).isEqualTo("SUCCEEDED");
            done = after.path("progress").path("shardsDone").intValue();
            shardsDuring[i] = done - before.path("progress").path("shardsDone").intValue();
        }
        JsonNode hugeJob = Api.parse(api.get("/api/v1/jobs/" + hugeId).body());
        assertThat(hugeJob.path("status").asString())
                .as("the huge job still runs")
                .isEqualTo("RUNNING");
        int total = hugeJob.path("progress").path("shardsTotal").intValue();
        int shardsMeanwhile = done - first.path("progress").path("shardsDone").intValue();
        double shardSeconds = (hugeJob.path("timings").path("computeSeconds").doubleValue()
                        - first.path("timings").path("computeSeconds").doubleValue())
                / shardsMeanwhile;
        int[] sorted = Arrays.stream(shardsDuring).sorted().toArray();
        System.out.printf(
                "FAIRNESS: tiny pi job (1e5 samples) behind a 1e13-sample pi job on 1 worker: "
                        + "huge-job shards completed around each tiny job %s; submit-to-SUCCEEDED median %.0f ms, "
                        + "worst %.0f ms; one shard of the huge job computes in %.0f ms; %,d of %,d shards left%n",
                Arrays.toString(shardsDuring),
                Arrays.stream(waits).sorted().toArray()[rounds / 2] * 1000,
                Arrays.stream(waits).max().orElseThrow() * 1000,
                shardSeconds * 1000,
                total - done,
                total);
        assertThat(sorted[rounds / 2])
                .as("median shards of the huge job around a tiny job: %s", Arrays.toString(shardsDuring))
                .isLessThanOrEqualTo(3);
        assertThat(sorted[rounds - 1])
                .as("most shards of the huge job around a tiny job: %s", Arrays.toString(shardsDuring))
                .isLessThanOrEqualTo(6);
    }

    private JsonNode awaitShardsDone(String id, int shards) {
        return await(shards + " shards of the huge job done")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> Api.parse(api.get("/api/v1/jobs/" + id).body()),
                        job -> job.path("progress").path("shardsDone").intValue() >= shards);
    }

    private void awaitWorkerIdle() {
        await("the worker idle")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    JsonNode workers = Api.parse(api.get("/api/v1/workers").body());
                    assertThat(workers).as("%s", workers).hasSize(1);
                    assertThat(workers.get(0).path("state").asString()).isEqualTo("idle");
                });
    }

    private double rejectedQueueFull() {
        String scrape = api.get("/actuator/prometheus").body();
        Matcher m = REJECTED.matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }
}
