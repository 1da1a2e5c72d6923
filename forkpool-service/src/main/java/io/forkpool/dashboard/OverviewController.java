package io.forkpool.dashboard;

import io.forkpool.dispatch.Dispatcher;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import io.forkpool.pool.WorkerDirectory;
import io.forkpool.tenant.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** {@code GET /api/v1/overview}: the dashboard's first panel in one call. */
@RestController
@Tag(name = "Dashboard")
class OverviewController {

    private final JobStore store;
    private final Dispatcher dispatcher;
    private final Throughput throughput;
    private final WorkerDirectory directory;
    private final ObjectMapper json;
    private final io.micrometer.core.instrument.MeterRegistry registry;

    OverviewController(
            JobStore store,
            Dispatcher dispatcher,
            Throughput throughput,
            WorkerDirectory directory,
            ObjectMapper json,
            io.micrometer.core.instrument.MeterRegistry registry) {
        this.registry = registry;
        this.store = store;
        this.dispatcher = dispatcher;
        this.throughput = throughput;
        this.directory = directory;
        this.json = json;
    }

    /**
     * @param jobs retained jobs by status (in the redis backend: of all replicas)
     * @param workers worker processes by state: starting, idle, busy, dead, spare (in the redis backend: of
     *     every live replica, the others' as of their last heartbeat)
     * @param replicas live replicas (1 in the embedded backend)
     * @param shardsQueued shards waiting for a worker
     * @param rates jobs finished and samples computed per second, the last five minutes (this replica)
     * @param viewer who asks: its tenant, and whether it is an admin (sees every tenant's jobs)
     * @param tenants per tenant, jobs submitted and worker-seconds computed on this replica since it
     *     started: every tenant's for an admin, else the caller's own
     */
    record Overview(
            Map<JobStatus, Long> jobs,
            Map<String, Integer> workers,
            int replicas,
            long shardsQueued,
            Throughput.Rates rates,
            Viewer viewer,
            List<TenantFigures> tenants) {}

    record Viewer(String tenant, boolean admin) {}

    record TenantFigures(String tenant, long jobsSubmitted, double workerSeconds) {}

    /** Per tenant, from the meters of this replica: jobs submitted, and the compute time of their shards. */
    private List<TenantFigures> tenants(Tenant viewer) {
        var jobs = new java.util.TreeMap<String, Double>();
        var seconds = new java.util.TreeMap<String, Double>();
        registry.find("forkpool.jobs.submitted")
                .counters()
                .forEach(c -> jobs.merge(String.valueOf(c.getId().getTag("tenant")), c.count(), Double::sum));
        registry.find("forkpool.shards.duration")
                .timers()
                .forEach(t -> seconds.merge(
                        String.valueOf(t.getId().getTag("tenant")),
                        t.totalTime(java.util.concurrent.TimeUnit.SECONDS),
                        Double::sum));
        var names = new java.util.TreeSet<>(jobs.keySet());
        names.addAll(seconds.keySet());
        return names.stream()
                .filter(viewer::mayAccess)
                .map(n -> new TenantFigures(n, Math.round(jobs.getOrDefault(n, 0.0)), seconds.getOrDefault(n, 0.0)))
                .toList();
    }

    @Operation(
            summary = "Counts and rates at a glance",
            description = "Retained jobs by status, worker processes "
                    + "by state (in the redis backend of every live replica), live replicas, shards queued, and jobs finished and samples computed per second over the last five "
                    + "minutes (one value a second, computed by the service from its own meters).")
    @GetMapping(path = "/api/v1/overview", produces = MediaType.APPLICATION_JSON_VALUE)
    Overview overview(HttpServletRequest http) {
        Tenant viewer = Tenant.of(http);
        String tenant = viewer.listFilter(); // a tenant counts its own jobs; an admin all
        var jobs = new LinkedHashMap<JobStatus, Long>();
        for (JobStatus status : JobStatus.values()) {
            jobs.put(status, store.page(status, null, null, tenant, 0, 1).total());
        }
        var workers = new LinkedHashMap<String, Integer>();
        for (String state : new String[] {"starting", "idle", "busy", "dead"}) {
            workers.put(state, 0);
        }
        dispatcher.workers().forEach(w -> workers.merge(w.state().name().toLowerCase(Locale.ROOT), 1, Integer::sum));
        workers.put("spare", dispatcher.spares().size());
        int replicas = 1;
        if (directory.replica() != null) {
            for (var replica : directory.live().entrySet()) {
                if (replica.getKey().equals(directory.replica())) {
                    continue; // counted above, as it is now
                }
                replicas++;
                try {
                    for (JsonNode w : json.readTree(replica.getValue())) {
                        workers.merge(w.path("state").asString(), 1, Integer::sum);
                    }
                } catch (JacksonException e) {
                    // not what this version publishes: the replica counts, its workers not
                }
            }
        }
        return new Overview(
                jobs,
                workers,
                replicas,
                dispatcher.shardsQueued(),
                throughput.rates(),
                new Viewer(viewer.name(), viewer.admin()),
                tenants(viewer));
    }
}
