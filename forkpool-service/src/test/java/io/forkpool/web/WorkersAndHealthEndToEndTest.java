package io.forkpool.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The worker processes as {@code GET /api/v1/workers} shows them (live children of this JVM) and the
 * health probes, on the running service.
 */
@ForkpoolServiceTest
class WorkersAndHealthEndToEndTest {

    final Api api;

    WorkersAndHealthEndToEndTest(Api api) {
        this.api = api;
    }

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
            assertThat(process.get().parent().map(ProcessHandle::pid))
                    .as("parent of worker %d", pid)
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
}
