package io.forkpool.job;

import io.forkpool.plugin.JobRequest;
import java.time.Duration;
import java.time.Instant;

/** A job as the API shows it (docs/contract.md, "HTTP API"). */
public record JobView(
        String id,
        String type,
        JobStatus status,
        JobRequest request,
        Integer timeoutSeconds,
        Progress progress,
        Record result,
        String error,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        Timings timings,

        @com.fasterxml.jackson.annotation.JsonProperty("notify")
        Notify notifyTarget,

        String batch,

        @io.swagger.v3.oas.annotations.media.Schema(description = "the tenant that submitted it (its owner)")
        String tenant,

        @io.swagger.v3.oas.annotations.media.Schema(
                description = "its priority within its tenant",
                allowableValues = {"high", "normal", "low"})
        String priority,

        Links links) {

    /** Where the job's end is posted (a webhook). */
    public record Notify(String url) {}

    record Progress(int shardsDone, int shardsTotal) {}

    record Timings(Double queuedSeconds, Double runSeconds, Double computeSeconds) {}

    record Links(String self, String events, String plot) {}

    public static JobView of(Job.Snapshot s) {
        String self = "/api/v1/jobs/" + s.id();
        return new JobView(
                s.id(),
                s.request().type(),
                s.status(),
                s.request(),
                s.timeoutSeconds(),
                new Progress(s.shardsDone(), s.shardsTotal()),
                s.result(),
                s.error(),
                s.submittedAt(),
                s.startedAt(),
                s.finishedAt(),
                new Timings(seconds(s.queued()), seconds(s.run()), s.computeNanos() / 1e9),
                s.notifyUrl() == null ? null : new Notify(s.notifyUrl()),
                s.batch(),
                s.tenant(),
                s.priority().label(),
                new Links(self, self + "/events", s.result() != null ? self + "/plot.svg" : null));
    }

    private static Double seconds(Duration d) {
        return d == null ? null : d.toNanos() / 1e9;
    }
}
