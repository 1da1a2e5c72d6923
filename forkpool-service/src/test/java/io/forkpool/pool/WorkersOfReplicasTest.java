package io.forkpool.pool;

import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.forkpool.catalog.LimitSettings;
import io.forkpool.dispatch.Dispatcher;
import io.forkpool.tenant.SecuritySettings;
import io.forkpool.tenant.Tenants;
import io.forkpool.warmup.WarmupKey;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * {@code GET /api/v1/workers?allReplicas=true} in the redis backend: the other live replicas' workers as
 * they published them, by replica, this replica's own from its pool (here: none), spares only when asked
 * for; without the flag this replica's only, as before.
 */
@WebMvcTest(WorkerController.class)
@Import({Tenants.class, WarmupKey.class}) // ApiKeyFilter's
@EnableConfigurationProperties({SecuritySettings.class, LimitSettings.class})
class WorkersOfReplicasTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    Dispatcher dispatcher;

    @MockitoBean
    WorkerDirectory directory;

    @BeforeEach
    void twoOtherReplicas() {
        given(dispatcher.workers()).willReturn(List.of());
        given(dispatcher.spares()).willReturn(List.of());
        given(directory.replica()).willReturn("replica-a");
        given(directory.live())
                .willReturn(new TreeMap<>(Map.of(
                        "replica-a",
                                worker(0, 11, "busy", "replica-a"), // stale: this replica's own pool counts instead
                        "replica-b",
                                "[" + worker(0, 21, "busy", "replica-b") + "," + worker(0, 22, "spare", "replica-b")
                                        + "]",
                        "replica-c", "[" + worker(1, 31, "idle", "replica-c") + "]")));
    }

    static String worker(int id, long pid, String state, String replica) {
        return """
                {"id":%d,"pid":%d,"state":"%s","shardsCompleted":7,"restarts":1,"startedAt":"2026-12-01T00:00:00Z",
                 "job":null,"shard":null,"uptimeSeconds":12.5,"cpuSeconds":3.25,"rssBytes":1048576,"replica":"%s"}""".formatted(id, pid, state, replica);
    }

    @Test
    void theWorkersOfEveryLiveReplicaEachWithItsReplica() throws Exception {
        mvc.perform(get("/api/v1/workers?allReplicas=true"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(2))
                .andExpect(jsonPath("$[0].pid").value(21))
                .andExpect(jsonPath("$[0].replica").value("replica-b"))
                .andExpect(jsonPath("$[0].shardsCompleted").value(7))
                .andExpect(jsonPath("$[0].startedAt").value("2026-12-01T00:00:00Z"))
                .andExpect(jsonPath("$[0].rssBytes").value(1048576))
                .andExpect(jsonPath("$[1].pid").value(31))
                .andExpect(jsonPath("$[1].replica").value("replica-c"));
        mvc.perform(get("/api/v1/workers?spares=true&allReplicas=true"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(3))
                .andExpect(jsonPath("$[1].state").value("spare"));
        mvc.perform(get("/api/v1/workers"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(0)); // this replica's only, as before: it has none here
    }

    @Test
    void aBadAllReplicasFlagIsA400NamingIt() throws Exception {
        mvc.perform(get("/api/v1/workers?allReplicas=maybe"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("allReplicas"));
    }
}
