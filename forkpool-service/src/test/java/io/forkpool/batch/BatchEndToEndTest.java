package io.forkpool.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.web.Api;
import io.forkpool.web.ServiceApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Batches through real HTTP on the default (durable) backend: all or none, progress summed over
 * the jobs, the jobs listed by {@code ?batch=}, replay by key, cancel of the whole batch, and the
 * same results as the same bodies sent one by one. The queue's bound is small here, so a batch
 * can overflow it.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"forkpool.workers.count=2", "forkpool.workers.warmup=0ms", "forkpool.queue.max-jobs=40"})
@ExtendWith(ServiceApi.class)
class BatchEndToEndTest {

    private static final String BATCHES = "/api/v1/batches";
    private static final String THREE_KINDS = """
            {"jobs": [
              {"type": "pi", "samples": 200000},
              {"type": "dice", "rolls": 100000, "faces": 6},
              {"type": "sine", "x": 0.5, "terms": 3}
            ]}""";

    final Api api;

    BatchEndToEndTest(Api api) {
        this.api = api;
    }

    @Test
    void aBatchOfThreeKindsRunsAndItsProgressAddsUp() {
        var posted = api.post(BATCHES, THREE_KINDS);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        JsonNode batch = Api.parse(posted.body());
        String id = batch.path("id").asString();
        assertThat(posted.headers().firstValue("Location")).hasValue(BATCHES + "/" + id);
        assertThat(batch.path("size").asInt()).isEqualTo(3);

        JsonNode done = awaitFinished(id);
        assertThat(done.path("counts").path("SUCCEEDED").asInt()).as("%s", done).isEqualTo(3);
        long total = done.path("progress").path("shardsTotal").asLong();
        assertThat(total).isGreaterThanOrEqualTo(3);
        assertThat(done.path("progress").path("shardsDone").asLong()).isEqualTo(total);

        var jobs = jobsOf(id);
        assertThat(jobs).hasSize(3);
        assertThat(jobs).allSatisfy(j -> assertThat(j.path("batch").asString()).isEqualTo(id));
        assertThat(jobs.stream().map(j -> j.path("type").asString())).containsExactlyInAnyOrder("pi", "dice", "sine");
        long summed = jobs.stream()
                .mapToLong(j -> j.path("progress").path("shardsTotal").asLong())
                .sum();
        assertThat(summed).isEqualTo(total);
        // a single job has no batch, and is not listed with it
        var single = api.runToSuccess("{\"type\":\"pi\",\"samples\":1000}");
        assertThat(single.path("batch").isNull() || single.path("batch").isMissingNode())
                .isTrue();
        assertThat(jobsOf(id)).hasSize(3);
    }

    @Test
    void badBodiesAreAllNamedByTheirIndexAndNothingIsAdmitted() {
        long before = jobCount();
        var posted = api.post(BATCHES, """
                {"jobs": [
                  {"type": "pi", "samples": 1000},
                  {"type": "pi", "samples": -5},
                  {"type": "dice", "rolls": 1000, "faces": 6},
                  {"type": "mandelbrot"}
                ]}""");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(400);
        assertThat(posted.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        var fields = fields(Api.parse(posted.body()));
        assertThat(fields).anyMatch(f -> f.startsWith("jobs[1].")).anyMatch(f -> f.startsWith("jobs[3]."));
        assertThat(fields).noneMatch(f -> f.startsWith("jobs[0]") || f.startsWith("jobs[2]"));
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void tooManyOrNoBodiesAreRefusedNamingJobs() {
        var bodies = String.join(",", Collections.nCopies(1_001, "{\"type\":\"pi\",\"samples\":1000}"));
        for (String body : List.of("{\"jobs\":[" + bodies + "]}", "{\"jobs\":[]}", "{}")) {
            var posted = api.post(BATCHES, body);
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(400);
            assertThat(fields(Api.parse(posted.body()))).containsExactly("jobs");
        }
    }

    @Test
    void aBatchOverTheQueuesBoundIsRefusedWhole() {
        long before = jobCount();
        var bodies = String.join(",", Collections.nCopies(41, "{\"type\":\"pi\",\"samples\":1000}"));
        var posted = api.post(BATCHES, "{\"jobs\":[" + bodies + "]}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(503);
        assertThat(Api.parse(posted.body()).path("reason").asString()).isEqualTo("queue_full");
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void aRepeatedKeyReturnsTheSameBatchAndAnotherBodyIsAConflict() {
        String key = "batch-" + System.nanoTime();
        var first = api.post(BATCHES, THREE_KINDS, b -> b.header("Idempotency-Key", key));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String id = Api.parse(first.body()).path("id").asString();
        var again = api.post(BATCHES, THREE_KINDS, b -> b.header("Idempotency-Key", key));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(Api.parse(again.body()).path("id").asString()).isEqualTo(id);
        assertThat(jobsOf(id)).hasSize(3);
        var other = api.post(
                BATCHES, "{\"jobs\":[{\"type\":\"pi\",\"samples\":1000}]}", b -> b.header("Idempotency-Key", key));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
        awaitFinished(id);
    }

    @Test
    void deleteCancelsEveryUnfinishedJob() {
        var bodies = String.join(",", Collections.nCopies(6, "{\"type\":\"pi\",\"samples\":100000000000}"));
        var posted = api.post(BATCHES, "{\"jobs\":[" + bodies + "]}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String id = Api.parse(posted.body()).path("id").asString();

        var deleted = api.delete(BATCHES + "/" + id);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        JsonNode batch = Api.parse(deleted.body());
        assertThat(batch.path("counts").path("CANCELLED").asInt())
                .as("%s", batch)
                .isEqualTo(6);
        assertThat(batch.path("finished").isNull()).isFalse();
        assertThat(jobsOf(id))
                .allSatisfy(j -> assertThat(j.path("status").asString()).isEqualTo("CANCELLED"));
        assertThat(api.get(BATCHES + "/no-such-batch").statusCode()).isEqualTo(404);
    }

    @Test
    void batchJobsGiveTheResultsOfTheSameBodiesSentSingly() {
        var posted = api.post(BATCHES, THREE_KINDS);
        String id = Api.parse(posted.body()).path("id").asString();
        awaitFinished(id);
        var seeds = new ArrayList<Long>();
        for (JsonNode job : jobsOf(id)) {
            ObjectNode body = ((ObjectNode) job.path("request")).deepCopy();
            if (body.has("seed") && !body.path("seed").isNull()) {
                seeds.add(body.path("seed").asLong());
            }
            JsonNode single = api.runToSuccess(Api.JSON.writeValueAsString(body));
            assertThat(single.path("result")).as("%s", body).isEqualTo(job.path("result"));
        }
        assertThat(seeds)
                .as("each seeded job its own seed")
                .doesNotHaveDuplicates()
                .isNotEmpty();
    }

    private JsonNode awaitFinished(String id) {
        var finished = new JsonNode[1];
        await("batch " + id + " finished")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    var got = api.get(BATCHES + "/" + id);
                    assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
                    finished[0] = Api.parse(got.body());
                    assertThat(finished[0].path("finished").isNull())
                            .as(got.body())
                            .isFalse();
                });
        return finished[0];
    }

    private List<JsonNode> jobsOf(String batch) {
        var page = api.get("/api/v1/jobs?size=100&batch=" + batch);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        JsonNode json = Api.parse(page.body());
        assertThat(json.path("totalElements").asLong())
                .isEqualTo(json.path("content").size());
        return StreamSupport.stream(json.path("content").spliterator(), false).toList();
    }

    private long jobCount() {
        return Api.parse(api.get("/api/v1/jobs?size=1").body())
                .path("totalElements")
                .asLong();
    }

    private static List<String> fields(JsonNode problem) {
        return StreamSupport.stream(problem.path("errors").spliterator(), false)
                .map(e -> e.path("field").asString())
                .collect(Collectors.toList());
    }
}
