package io.forkpool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.web.Api;
import io.forkpool.web.ForkpoolServiceTest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What the dashboard reads, through real HTTP with the real worker processes computing. */
@ForkpoolServiceTest
class DashboardApiTest {

    final Api api;

    DashboardApiTest(Api api) {
        this.api = api;
    }

    @Test
    void everyShardOfAFinishedJobHasOneTryDoneOnAWorkerOfThePoolWithinTheJobsRunTime() {
        JsonNode job = api.runToSuccess("{\"type\":\"dice\",\"rolls\":30000000,\"seed\":5}");
        int total = job.path("progress").path("shardsTotal").asInt();
        Set<Long> pids = new HashSet<>();
        Api.parse(api.get("/api/v1/workers").body())
                .forEach(w -> pids.add(w.path("pid").asLong()));

        var answer = api.get("/api/v1/jobs/" + job.path("id").asString() + "/shards");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode shards = Api.parse(answer.body());
        assertThat(shards.path("summarised").asBoolean()).isFalse();
        assertThat(shards.path("attempts").asLong()).isEqualTo(total);
        assertThat(shards.path("shards")).hasSize(total);
        Instant started = Instant.parse(job.path("startedAt").asString());
        Instant finished = Instant.parse(job.path("finishedAt").asString());
        long units = 0;
        for (int i = 0; i < total; i++) {
            JsonNode shard = shards.path("shards").get(i);
            assertThat(shard.path("index").asInt()).isEqualTo(i);
            units += shard.path("units").asLong();
            JsonNode attempt = shard.path("attempts").get(0);
            assertThat(shard.path("attempts")).hasSize(1);
            assertThat(attempt.path("outcome").asString()).isEqualTo("done");
            assertThat(pids).contains(attempt.path("pid").asLong());
            Instant start = Instant.parse(attempt.path("start").asString());
            Instant end = Instant.parse(attempt.path("end").asString());
            assertThat(start).isBeforeOrEqualTo(end);
            // sent after the job started; answered before it finished (+ the clock's rounding)
            assertThat(start).isAfterOrEqualTo(started.minusMillis(1));
            assertThat(end).isBeforeOrEqualTo(finished.plusMillis(1));
        }
        assertThat(units).isEqualTo(30_000_000L);
        long laneTries = 0;
        for (JsonNode lane : shards.path("workers")) {
            assertThat(pids).contains(lane.path("pid").asLong());
            laneTries += lane.path("attempts").asLong();
        }
        assertThat(laneTries).isEqualTo(total);
        double parallelism = shards.path("parallelism").asDouble();
        assertThat(parallelism)
                .isEqualTo(shards.path("computeSeconds").asDouble()
                        / shards.path("runSeconds").asDouble());
        assertThat(parallelism).isGreaterThan(0).isLessThan(2.5); // 2 workers
    }

    @Test
    void aBusyWorkerNamesItsJobAndShardAndEveryWorkerItsProcessFigures() {
        var created = Api.parse(api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":10000000000000}")
                .body());
        String id = created.path("id").asString();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode workers = Api.parse(api.get("/api/v1/workers").body());
                assertThat(workers).anySatisfy(w -> {
                    assertThat(w.path("state").asString()).isEqualTo("busy");
                    assertThat(w.path("job").asString()).isEqualTo(id);
                    assertThat(w.path("shard").asInt())
                            .isBetween(
                                    0,
                                    created.path("progress").path("shardsTotal").asInt() - 1);
                });
            });
        } finally {
            api.delete("/api/v1/jobs/" + id);
        }
        JsonNode workers = Api.parse(api.get("/api/v1/workers?spares=true").body());
        for (JsonNode w : workers) {
            assertThat(w.path("cpuSeconds").asDouble()).as("CPU of %s", w).isPositive();
            assertThat(w.path("rssBytes").asLong()).as("RSS of %s", w).isGreaterThan(10L << 20);
            assertThat(w.path("uptimeSeconds").asDouble()).isPositive();
        }
        assertThat(Api.parse(api.get("/api/v1/workers").body()))
                .noneMatch(w -> w.path("state").asString().equals("spare"));
    }

    @Test
    void theOverviewCountsTheStoresJobsAndThePoolsWorkers() {
        api.runToSuccess("{\"type\":\"sine\",\"x\":1.0,\"terms\":5}");
        JsonNode overview = Api.parse(api.get("/api/v1/overview").body());
        long succeeded = Api.parse(
                        api.get("/api/v1/jobs?status=SUCCEEDED&size=1").body())
                .path("totalElements")
                .asLong();
        assertThat(overview.path("jobs").path("SUCCEEDED").asLong())
                .isEqualTo(succeeded)
                .isPositive();
        JsonNode w = overview.path("workers");
        assertThat(w.path("idle").asInt()
                        + w.path("busy").asInt()
                        + w.path("starting").asInt()
                        + w.path("dead").asInt())
                .isEqualTo(2);
        assertThat(overview.path("rates").path("samplesPerSecond")).hasSize(Throughput.SECONDS);
    }

    @Test
    void theDashboardsEndpointsAreInTheOpenApiDocumentAndItsPageIsNot() {
        JsonNode paths = Api.parse(api.get("/v3/api-docs").body()).path("paths");
        assertThat(paths.has("/api/v1/jobs/{id}/shards")).isTrue();
        assertThat(paths.has("/api/v1/overview")).isTrue();
        assertThat(paths.path("/api/v1/workers").path("get").path("parameters").toString())
                .contains("spares");
        assertThat(paths.has("/")).isFalse();
        assertThat(paths.has("/jobs/{id}")).isFalse();
    }

    @Test
    void thePageIsServedAtItsAddresses() {
        var home = api.get("/");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("/ui/app.js");
        assertThat(home.headers().firstValue("Content-Security-Policy")).hasValue(PageHeaders.POLICY);
        assertThat(api.get("/jobs/any-id").body()).isEqualTo(home.body());
        assertThat(api.get("/api/v1/jobs/any-id").statusCode()).isEqualTo(404);
    }
}
