package io.forkpool.job;

import io.forkpool.dispatch.ShardAttempt;
import io.forkpool.tenant.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code GET /api/v1/jobs/{id}/shards}: each shard's tries on the worker processes, or their summary. */
@RestController
@Tag(name = "Dashboard", description = "What the dashboard at / reads besides jobs, kinds and workers")
class ShardsController {

    private final JobStore store;

    ShardsController(JobStore store) {
        this.store = store;
    }

    @Operation(
            summary = "The shards of a job: its timeline",
            description = "Per shard its index, units and tries "
                    + "(worker slot, process id, replica, start, end, outcome), and per worker process its tries and busy "
                    + "time; the effective parallelism is compute time over run time. A job of many tries (over 2000, or "
                    + "when the service keeps too many in all) is summarised instead: per worker process its busy fraction "
                    + "in up to 120 time buckets, and its failed tries one by one (shards is then empty).")
    @ApiResponse(responseCode = "200", description = "the tries, or their summary")
    @ApiResponse(responseCode = "404", description = "no such job")
    @GetMapping(path = "/api/v1/jobs/{id}/shards", produces = MediaType.APPLICATION_JSON_VALUE)
    ShardsView shards(@PathVariable String id, HttpServletRequest http) {
        Tenant tenant = Tenant.of(http);
        Job.Snapshot job = store.find(id)
                .filter(j -> tenant.mayAccess(j.tenant())) // another tenant's job is unknown here
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no job with id " + id));
        var log = store.shards(id).orElse(new ShardLog.View(0, List.of(), null));
        return ShardsView.of(job, log, Instant.now());
    }

    /**
     * A job's timeline.
     *
     * @param summarised true when {@code shards} is empty and each worker's {@code busy} buckets tell instead
     * @param parallelism compute time over run time (so far, while it runs); null before it started
     * @param bucketsFrom start of the first bucket (summarised only)
     * @param bucketSeconds width of each bucket (summarised only)
     * @param failures failed tries (summarised only; in detail they are among the shards' tries)
     */
    record ShardsView(
            String job,
            JobStatus status,
            int shardsTotal,
            int shardsDone,
            long attempts,
            boolean summarised,
            Instant startedAt,
            Instant finishedAt,
            Double runSeconds,
            double computeSeconds,
            Double parallelism,
            List<WorkerLane> workers,
            List<ShardView> shards,
            Instant bucketsFrom,
            Double bucketSeconds,
            List<AttemptView> failures,
            long failuresNotListed) {

        static ShardsView of(Job.Snapshot job, ShardLog.View log, Instant now) {
            Double run = job.startedAt() == null
                    ? null
                    : Duration.between(job.startedAt(), job.finishedAt() == null ? now : job.finishedAt())
                                    .toNanos()
                            / 1e9;
            double compute = job.computeNanos() / 1e9;
            Double parallelism = run == null || run <= 0 ? null : compute / run;
            if (log.summary() != null) {
                var s = log.summary();
                var lanes = s.lanes().stream()
                        .map(l -> new WorkerLane(
                                l.worker(),
                                l.pid(),
                                l.replica(),
                                l.attempts(),
                                l.failed(),
                                l.busyTime().toNanos() / 1e9,
                                l.busy()))
                        .toList();
                return new ShardsView(
                        job.id(),
                        job.status(),
                        job.shardsTotal(),
                        job.shardsDone(),
                        log.attempts(),
                        true,
                        job.startedAt(),
                        job.finishedAt(),
                        run,
                        compute,
                        parallelism,
                        lanes,
                        List.of(),
                        s.origin(),
                        s.bucket().toNanos() / 1e9,
                        s.marks().stream().map(AttemptView::of).toList(),
                        s.marksDropped());
            }
            return new ShardsView(
                    job.id(),
                    job.status(),
                    job.shardsTotal(),
                    job.shardsDone(),
                    log.attempts(),
                    false,
                    job.startedAt(),
                    job.finishedAt(),
                    run,
                    compute,
                    parallelism,
                    lanes(log.detail()),
                    byShard(job, log.detail()),
                    null,
                    null,
                    List.of(),
                    0);
        }

        private static List<WorkerLane> lanes(List<ShardAttempt> attempts) {
            var lanes = new LinkedHashMap<String, WorkerLane>();
            for (ShardAttempt a : attempts) {
                double busy = Duration.between(a.start(), a.end()).toNanos() / 1e9;
                lanes.merge(
                        a.replica() + "/" + a.pid(),
                        new WorkerLane(a.worker(), a.pid(), a.replica(), 1, a.succeeded() ? 0 : 1, busy, null),
                        (x, y) -> new WorkerLane(
                                x.worker(),
                                x.pid(),
                                x.replica(),
                                x.attempts() + 1,
                                x.failed() + y.failed(),
                                x.busySeconds() + y.busySeconds(),
                                null));
            }
            return List.copyOf(lanes.values());
        }

        private static List<ShardView> byShard(Job.Snapshot job, List<ShardAttempt> attempts) {
            Map<Integer, List<AttemptView>> shards = new TreeMap<>();
            for (ShardAttempt a : attempts) {
                shards.computeIfAbsent(a.shard(), k -> new ArrayList<>()).add(AttemptView.of(a));
            }
            var views = new ArrayList<ShardView>(shards.size());
            shards.forEach((index, tries) -> {
                tries.sort(java.util.Comparator.comparingInt(AttemptView::attempt));
                views.add(new ShardView(index, job.request().shardUnits(index), tries));
            });
            return views;
        }
    }

    /**
     * One worker process: a row of the timeline.
     *
     * @param busy per time bucket, the fraction of it spent on this job (summarised only)
     */
    record WorkerLane(
            int worker, long pid, String replica, long attempts, long failed, double busySeconds, double[] busy) {}

    record ShardView(int index, long units, List<AttemptView> attempts) {}

    /** One try; {@code outcome} is done, failed, or how the worker was lost (crash, timeout, ...). */
    record AttemptView(
            int shard, int attempt, int worker, long pid, String replica, Instant start, Instant end, String outcome) {

        static AttemptView of(ShardAttempt a) {
            return new AttemptView(
                    a.shard(), a.attempt(), a.worker(), a.pid(), a.replica(), a.start(), a.end(), a.outcome());
        }
    }
}
