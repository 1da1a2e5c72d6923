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
        PartialView partialResult,
        Convergence convergence,
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

    /**
     * A running (or cancelled) job's answer so far: its kind's result of the shards merged, and the
     * samples (work units) and shards it covers. For a job with {@code until}, the in-order prefix.
     */
    public record PartialView(Record result, long samples, int shards) {}

    /**
     * A job with a precision target ({@code until}): the field and target, the measure now (of the
     * result, or of the partial result while running), whether it is met, the samples used and,
     * once SUCCEEDED, why it stopped: {@code target} (the smallest in-order prefix of shards that
     * met it) or {@code cap} (every shard of {@code samples} merged without meeting it).
     */
    public record Convergence(
            String field, double target, Double value, Boolean met, Long samplesUsed, String stoppedOn) {}

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
                s.partialResult() == null
                        ? null
                        : new PartialView(
                                s.partialResult().result(),
                                s.partialResult().samples(),
                                s.partialResult().shards()),
                convergence(s),
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

    private static Convergence convergence(Job.Snapshot s) {
        var until = s.request().until();
        if (until == null) {
            return null;
        }
        if (s.status() == JobStatus.SUCCEEDED && s.result() != null) {
            // ended on its target (at the smallest prefix that met it, maybe every shard), or at the cap unmet
            boolean met = s.request().meetsTarget(s.result());
            return new Convergence(
                    until.field(),
                    until.target(),
                    s.request().measure(s.result()),
                    met,
                    s.request().unitsOfShards(s.shardsDone()),
                    met ? "target" : "cap");
        }
        var partial = s.partialResult();
        return new Convergence(
                until.field(),
                until.target(),
                partial == null ? null : s.request().measure(partial.result()),
                partial == null ? null : s.request().meetsTarget(partial.result()),
                partial == null ? null : partial.samples(),
                null);
    }

    private static Double seconds(Duration d) {
        return d == null ? null : d.toNanos() / 1e9;
    }
}
