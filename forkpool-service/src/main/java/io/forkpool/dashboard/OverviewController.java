package io.forkpool.dashboard;

import io.forkpool.dispatch.Dispatcher;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/overview}: the dashboard's first panel in one call. */
@RestController
@Tag(name = "Dashboard")
class OverviewController {

    private final JobStore store;
    private final Dispatcher dispatcher;
    private final Throughput throughput;

    OverviewController(JobStore store, Dispatcher dispatcher, Throughput throughput) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.throughput = throughput;
    }

    /**
     * @param jobs retained jobs by status (in the redis backend: of all replicas)
     * @param workers this replica's worker processes by state: starting, idle, busy, dead, spare
     * @param shardsQueued shards waiting for a worker
     * @param rates jobs finished and samples computed per second, the last five minutes (this replica)
     */
    record Overview(Map<JobStatus, Long> jobs, Map<String, Integer> workers, long shardsQueued,
            Throughput.Rates rates) {}

    @Operation(summary = "Counts and rates at a glance", description = "Retained jobs by status, worker processes "
            + "by state, shards queued, and jobs finished and samples computed per second over the last five "
            + "minutes (one value a second, computed by the service from its own meters).")
    @GetMapping(path = "/api/v1/overview", produces = MediaType.APPLICATION_JSON_VALUE)
    Overview overview() {
        var jobs = new LinkedHashMap<JobStatus, Long>();
        for (JobStatus status : JobStatus.values()) {
            jobs.put(status, store.page(status, null, 0, 1).total());
        }
        var workers = new LinkedHashMap<String, Integer>();
        for (String state : new String[] {"starting", "idle", "busy", "dead"}) {
            workers.put(state, 0);
        }
        dispatcher.workers().forEach(w -> workers.merge(w.state().name().toLowerCase(Locale.ROOT), 1, Integer::sum));
        workers.put("spare", dispatcher.spares().size());
        return new Overview(jobs, workers, dispatcher.shardsQueued(), throughput.rates());
    }
}
