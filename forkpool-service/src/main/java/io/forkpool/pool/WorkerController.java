package io.forkpool.pool;

import io.forkpool.dispatch.Dispatcher;
import io.forkpool.dispatch.ShardTask;
import io.forkpool.worker.Worker;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/** {@code GET /api/v1/workers}: the pool as it is now. */
@RestController
@io.swagger.v3.oas.annotations.tags.Tag(name = "Workers", description = "The worker processes of this replica")
public class WorkerController {

    private final Dispatcher dispatcher;
    private final WorkerDirectory directory;
    private final ObjectMapper json;

    /** In the redis backend, starts publishing this replica's workers (spares included) to the others. */
    WorkerController(Dispatcher dispatcher, WorkerDirectory directory, ObjectMapper json) {
        this.dispatcher = dispatcher;
        this.directory = directory;
        this.json = json;
        directory.publish(() -> json.writeValueAsString(local(true)));
    }

    /**
     * One worker process. The first six fields are the contract's; the rest serve the dashboard.
     *
     * @param job the job whose shard it computes now, or null
     * @param shard that shard's index, or null
     * @param cpuSeconds CPU time the process used so far, where the OS tells
     * @param rssBytes its resident memory (Linux: /proc), or null
     * @param replica the replica whose worker it is (redis backend: its consumer name), or null (embedded)
     * @param relativeSpeed its last measured shard's compute rate over the other workers' median on the
     *     same work (1.0: as fast), or null before one; under 0.9 (median of its last 8 shards), a warm spare
     *     takes its place
     */
    record WorkerView(
            int id,
            long pid,
            String state,
            long shardsCompleted,
            int restarts,
            Instant startedAt,
            String job,
            Integer shard,
            double uptimeSeconds,
            Double cpuSeconds,
            Long rssBytes,
            String replica,
            Double relativeSpeed) {}

    @Operation(
            summary = "The worker processes",
            description = "Each worker of this replica: slot, pid, state "
                    + "(starting, idle, busy, dead), shards completed, restarts of its slot, start, the job and shard it "
                    + "computes, uptime, CPU time, resident memory, replica, and its speed against the other workers on the"
                    + " same work (a worker more than 10% slower, over its last 8 shards, gives its slot to a warm spare). With spares=true the warm spares too (state "
                    + "spare). With allReplicas=true, in the redis backend, the workers of every live replica, grouped by "
                    + "replica: this one's as they are now, the others' as of their last heartbeat (each publishes its own "
                    + "once a second; a replica silent for 5 s is left out). The embedded backend is one replica.")
    @GetMapping("/api/v1/workers")
    List<WorkerView> workers(
            @RequestParam(defaultValue = "false") boolean spares,
            @RequestParam(defaultValue = "false") boolean allReplicas) {
        if (!allReplicas || directory.replica() == null) {
            return local(spares);
        }
        var all = new ArrayList<WorkerView>();
        boolean self = false;
        for (var replica : directory.live().entrySet()) {
            if (replica.getKey().equals(directory.replica())) {
                all.addAll(local(spares));
                self = true;
                continue;
            }
            WorkerView[] theirs;
            try {
                theirs = json.readValue(replica.getValue(), WorkerView[].class);
            } catch (JacksonException e) {
                continue; // not what this version publishes: shown once that replica is upgraded too
            }
            for (WorkerView w : theirs) {
                if (spares || !"spare".equals(w.state())) {
                    all.add(w);
                }
            }
        }
        if (!self) { // not yet published, or Redis unreachable: this replica's own still count
            all.addAll(local(spares));
        }
        return all;
    }

    private List<WorkerView> local(boolean spares) {
        Stream<WorkerView> slots = dispatcher.workers().stream().map(w -> view(w, state(w)));
        if (!spares) {
            return slots.toList();
        }
        return Stream.concat(slots, dispatcher.spares().stream().map(w -> view(w, "spare")))
                .toList();
    }

    private static String state(Worker<?> w) {
        return w.state().name().toLowerCase(Locale.ROOT);
    }

    private WorkerView view(Worker<ShardTask> w, String state) {
        var held = w.inFlight();
        var task = held == null ? null : held.task();
        var process = ProcessHandle.of(w.pid());
        Double cpu = process.flatMap(p -> p.info().totalCpuDuration())
                .map(d -> d.toNanos() / 1e9)
                .orElse(null);
        return new WorkerView(
                w.id(),
                w.pid(),
                state,
                w.shardsCompleted(),
                w.generation(),
                w.startedAt(),
                task == null ? null : task.sink().jobId(),
                task == null ? null : task.shard(),
                Duration.between(w.startedAt(), Instant.now()).toMillis() / 1e3,
                cpu,
                rss(w.pid()),
                directory.replica(),
                "spare".equals(state) ? null : dispatcher.relativeSpeed(w));
    }

    /** Resident set size from {@code /proc/<pid>/status} (VmRSS, in kB); null where there is no /proc. */
    private static Long rss(long pid) {
        try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:"))
                    .findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
                    .orElse(null);
        } catch (IOException | RuntimeException e) {
            return null; // not Linux, or the process just ended
        }
    }
}
