package io.forkpool.job;

import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.forkpool.catalog.LimitSettings;
import io.forkpool.dispatch.ShardAttempt;
import io.forkpool.kind.TestJobs;
import io.forkpool.tenant.SecuritySettings;
import io.forkpool.tenant.Tenants;
import io.forkpool.warmup.WarmupKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** {@code GET /api/v1/jobs/{id}/shards} over a store that answers what the test says. */
@WebMvcTest(ShardsController.class)
@Import({Tenants.class, WarmupKey.class}) // ApiKeyFilter's
@EnableConfigurationProperties({SecuritySettings.class, LimitSettings.class
}) // the service's filters run in the slice too
class ShardsControllerTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Autowired
    MockMvc mvc;

    @MockitoBean
    JobStore store;

    /** A finished pi job of {@code shards} shards that ran 2 s and computed 3 s in all. */
    static Job.Snapshot job(String id, long samples) {
        var request = TestJobs.pi(samples, 1L);
        return new Job.Snapshot(
                id,
                request,
                null,
                JobStatus.SUCCEEDED,
                request.shardCount(),
                request.shardCount(),
                null,
                null,
                T0.minusMillis(5),
                T0,
                T0.plusSeconds(2),
                3_000_000_000L,
                null,
                null);
    }

    static ShardAttempt attempt(int shard, int attempt, long pid, long fromMs, long toMs, String outcome) {
        return new ShardAttempt(
                shard, attempt, (int) (pid - 100), pid, null, T0.plusMillis(fromMs), T0.plusMillis(toMs), outcome);
    }

    @Test
    void eachShardWithItsUnitsAndTriesAndEachWorkerProcessWithItsBusyTime() throws Exception {
        var job = job("j1", 200_000_000L);
        given(store.find("j1")).willReturn(Optional.of(job));
        given(store.shards("j1"))
                .willReturn(Optional.of(new ShardLog.View(
                        4,
                        List.of(
                                attempt(1, 0, 101, 0, 1000, "done"),
                                attempt(0, 0, 102, 0, 300, "crash"),
                                attempt(0, 1, 101, 1000, 1500, "done"),
                                attempt(2, 0, 102, 300, 1300, "done")),
                        null)));

        mvc.perform(get("/api/v1/jobs/j1/shards"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.summarised").value(false))
                .andExpect(jsonPath("$.attempts").value(4))
                .andExpect(jsonPath("$.shardsTotal").value(job.shardsTotal()))
                .andExpect(jsonPath("$.runSeconds").value(2.0))
                .andExpect(jsonPath("$.parallelism").value(1.5))
                .andExpect(jsonPath("$.shards[*].index", contains(0, 1, 2)))
                .andExpect(jsonPath("$.shards[0].units").value(job.request().shardUnits(0)))
                .andExpect(jsonPath("$.shards[0].attempts[*].outcome", contains("crash", "done")))
                .andExpect(jsonPath("$.shards[0].attempts[*].pid", contains(102, 101)))
                .andExpect(jsonPath("$.shards[0].attempts[1].start").value("2026-01-01T00:00:01Z"))
                .andExpect(jsonPath("$.workers[*].pid", contains(101, 102)))
                .andExpect(jsonPath("$.workers[0].attempts").value(2))
                .andExpect(jsonPath("$.workers[0].busySeconds", closeTo(1.5, 1e-9)))
                .andExpect(jsonPath("$.workers[1].failed").value(1))
                .andExpect(jsonPath("$.workers[1].busySeconds", closeTo(1.3, 1e-9)));
    }

    @Test
    void aSummarisedJobHasBucketsPerWorkerAndItsFailuresButNoShardList() throws Exception {
        given(store.find("big")).willReturn(Optional.of(job("big", 10_000_000_000_000L)));
        var lane = new ShardLog.Lane(0, 101, null, 150_000, 1, Duration.ofSeconds(90), new double[] {1, 0.5, 0});
        var failure = attempt(77, 0, 101, 400, 900, "timeout");
        given(store.shards("big"))
                .willReturn(Optional.of(new ShardLog.View(
                        150_000,
                        null,
                        new ShardLog.SummaryView(T0, Duration.ofMillis(800), List.of(lane), List.of(failure), 3))));

        mvc.perform(get("/api/v1/jobs/big/shards"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.summarised").value(true))
                .andExpect(jsonPath("$.shards", hasSize(0)))
                .andExpect(jsonPath("$.bucketsFrom").value("2026-01-01T00:00:00Z"))
                .andExpect(jsonPath("$.bucketSeconds").value(0.8))
                .andExpect(jsonPath("$.workers[0].busy", contains(1.0, 0.5, 0.0)))
                .andExpect(jsonPath("$.workers[0].busySeconds").value(90.0))
                .andExpect(jsonPath("$.failures[0].shard").value(77))
                .andExpect(jsonPath("$.failures[0].outcome").value("timeout"))
                .andExpect(jsonPath("$.failuresNotListed").value(3));
    }

    @Test
    void anUnknownJobIs404Problem() throws Exception {
        given(store.find("nope")).willReturn(Optional.empty());
        mvc.perform(get("/api/v1/jobs/nope/shards"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.detail").value("no job with id nope"));
    }

    @Test
    void aJobNotStartedHasNoTriesAndNoParallelismYet() throws Exception {
        var request = TestJobs.pi(1_000_000L, 1L);
        given(store.find("q"))
                .willReturn(Optional.of(new Job.Snapshot(
                        "q",
                        request,
                        null,
                        JobStatus.QUEUED,
                        0,
                        request.shardCount(),
                        null,
                        null,
                        T0,
                        null,
                        null,
                        0,
                        null,
                        null)));
        given(store.shards("q")).willReturn(Optional.of(new ShardLog.View(0, List.of(), null)));
        mvc.perform(get("/api/v1/jobs/q/shards"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.attempts").value(0))
                .andExpect(jsonPath("$.parallelism").value(org.hamcrest.Matchers.nullValue()))
                .andExpect(jsonPath("$.workers", hasSize(0)));
    }
}
