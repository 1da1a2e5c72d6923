package io.forkpool.dashboard;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.forkpool.catalog.LimitSettings;
import io.forkpool.dispatch.Dispatcher;
import io.forkpool.dispatch.ShardTask;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import io.forkpool.pool.WorkerDirectory;
import io.forkpool.tenant.SecuritySettings;
import io.forkpool.tenant.Tenants;
import io.forkpool.warmup.WarmupKey;
import io.forkpool.worker.Worker;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** {@code GET /api/v1/overview}: the store's counts, the pool's states and the rates, in one answer. */
@WebMvcTest(OverviewController.class)
@Import({Tenants.class, WarmupKey.class, io.micrometer.core.instrument.simple.SimpleMeterRegistry.class})
@EnableConfigurationProperties({SecuritySettings.class, LimitSettings.class
}) // the service's filters run in the slice too
class OverviewControllerTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    JobStore store;

    @MockitoBean
    Dispatcher dispatcher;

    @MockitoBean
    Throughput throughput;

    /** A mock answers no replica: the embedded backend, unless a test says otherwise. */
    @MockitoBean
    WorkerDirectory directory;

    @SuppressWarnings("unchecked")
    static Worker<ShardTask> worker(Worker.State state) {
        Worker<ShardTask> worker = mock(Worker.class);
        given(worker.state()).willReturn(state);
        return worker;
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void countsByStatusWorkersByStateAndTheRates() throws Exception {
        given(store.page(any(), isNull(), isNull(), isNull(), eq(0), anyInt()))
                .willAnswer(call -> new JobStore.Page(
                        List.of(),
                        switch ((JobStatus) call.getArgument(0)) {
                            case QUEUED -> 3;
                            case RUNNING -> 2;
                            case SUCCEEDED -> 40;
                            case FAILED -> 1;
                            case CANCELLED -> 0;
                        }));
        var workers = List.of(
                worker(Worker.State.BUSY),
                worker(Worker.State.BUSY),
                worker(Worker.State.IDLE),
                worker(Worker.State.STARTING));
        var spares = List.of(worker(Worker.State.IDLE));
        given(dispatcher.workers()).willReturn(workers);
        given(dispatcher.spares()).willReturn(spares);
        given(dispatcher.shardsQueued()).willReturn(17L);
        given(throughput.rates())
                .willReturn(new Throughput.Rates(
                        Instant.parse("2026-01-01T00:00:00Z"), 1, new double[] {0, 2}, new double[] {0, 5e9}));

        var metrics = new io.forkpool.metrics.ForkpoolMetrics(registry);
        metrics.jobSubmitted("pi", "alice");
        metrics.jobSubmitted("pi", "alice");
        metrics.jobSubmitted("dice", "bob");
        metrics.shardComputed("pi", "alice", 3_000_000_000L, 10);
        metrics.shardComputed("dice", "bob", 1_500_000_000L, 10);

        mvc.perform(get("/api/v1/overview"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.viewer.tenant").value("default"))
                .andExpect(jsonPath("$.viewer.admin").value(true))
                .andExpect(jsonPath("$.tenants[0].tenant").value("alice"))
                .andExpect(jsonPath("$.tenants[0].jobsSubmitted").value(2))
                .andExpect(jsonPath("$.tenants[0].workerSeconds").value(3.0))
                .andExpect(jsonPath("$.tenants[1].tenant").value("bob"))
                .andExpect(jsonPath("$.tenants[1].workerSeconds").value(1.5))
                .andExpect(jsonPath("$.jobs.QUEUED").value(3))
                .andExpect(jsonPath("$.jobs.RUNNING").value(2))
                .andExpect(jsonPath("$.jobs.SUCCEEDED").value(40))
                .andExpect(jsonPath("$.jobs.FAILED").value(1))
                .andExpect(jsonPath("$.jobs.CANCELLED").value(0))
                .andExpect(jsonPath("$.workers.busy").value(2))
                .andExpect(jsonPath("$.workers.idle").value(1))
                .andExpect(jsonPath("$.workers.starting").value(1))
                .andExpect(jsonPath("$.workers.dead").value(0))
                .andExpect(jsonPath("$.workers.spare").value(1))
                .andExpect(jsonPath("$.replicas").value(1))
                .andExpect(jsonPath("$.shardsQueued").value(17))
                .andExpect(jsonPath("$.rates.from").value("2026-01-01T00:00:00Z"))
                .andExpect(jsonPath("$.rates.samplesPerSecond[1]").value(5e9))
                .andExpect(jsonPath("$.rates.jobsPerSecond[1]").value(2.0));
    }

    /** Redis backend: this replica's workers as they are, the other live replicas' as they last published them. */
    @Test
    void workersOfEveryLiveReplicaAreCounted() throws Exception {
        given(store.page(any(), isNull(), isNull(), isNull(), eq(0), anyInt()))
                .willReturn(new JobStore.Page(List.of(), 0));
        var local = List.of(worker(Worker.State.BUSY), worker(Worker.State.IDLE));
        given(dispatcher.workers()).willReturn(local);
        given(dispatcher.spares()).willReturn(List.of());
        given(throughput.rates())
                .willReturn(new Throughput.Rates(
                        Instant.parse("2026-01-01T00:00:00Z"), 1, new double[] {0}, new double[] {0}));
        given(directory.replica()).willReturn("replica-a");
        // this replica's own entry is stale (it says dead): the live dispatcher's states count instead
        given(directory.live())
                .willReturn(new java.util.TreeMap<>(java.util.Map.of(
                        "replica-a", "[{\"id\":0,\"state\":\"dead\"}]",
                        "replica-b",
                                "[{\"id\":0,\"state\":\"busy\"},{\"id\":1,\"state\":\"busy\"},"
                                        + "{\"id\":2,\"state\":\"starting\"},{\"id\":0,\"state\":\"spare\"}]",
                        "replica-c", "[{\"id\":0,\"state\":\"idle\"}]")));

        mvc.perform(get("/api/v1/overview"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.replicas").value(3))
                .andExpect(jsonPath("$.workers.busy").value(3))
                .andExpect(jsonPath("$.workers.idle").value(2))
                .andExpect(jsonPath("$.workers.starting").value(1))
                .andExpect(jsonPath("$.workers.dead").value(0))
                .andExpect(jsonPath("$.workers.spare").value(1));
    }
}
