package io.forkpool.kind;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.kind.api.JobKind;
import io.forkpool.plugin.FieldError;
import io.forkpool.plugin.InvalidRequestException;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.KindRegistry;
import io.forkpool.plugin.RequestFields;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.List;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Requests of the built-in kinds for tests, in the shape the tests have always used: the kind's
 * fields (null: the default), then the seed (null: 0). And the field errors of a raw request, as the
 * API reports them.
 */
public final class TestJobs {

    public static final long MAX_UNITS = 10_000_000_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Validator VALIDATOR =
            Validation.buildDefaultValidatorFactory().getValidator();
    private static final KindRegistry KINDS = KindRegistry.builtIn();

    private TestJobs() {}

    public static JobRequest pi(Long samples, Long seed) {
        return of(new PiKind(), new PiRequest(samples), seed);
    }

    public static JobRequest dice(Long rolls, Integer faces, Long seed) {
        return of(new DiceKind(), new DiceRequest(rolls, faces), seed);
    }

    public static JobRequest projectile(
            Long samples,
            Integer bins,
            Double angleMinDeg,
            Double angleMaxDeg,
            Double speedMin,
            Double speedMax,
            Double gravity,
            Long seed) {
        return of(
                new ProjectileKind(),
                new ProjectileRequest(samples, bins, angleMinDeg, angleMaxDeg, speedMin, speedMax, gravity),
                seed);
    }

    public static JobRequest sine(Double x, Integer terms) {
        return of(new SineKind(), new SineRequest(x, terms), null);
    }

    public static JobRequest smallestMultiple(Long samples, Long factor, Long low, Long high, Long seed) {
        return of(new SmallestMultipleKind(), new SmallestMultipleRequest(samples, factor, low, high), seed);
    }

    /** The request with its defaults filled and the seed (0 when null; none for a kind without one). */
    public static JobRequest of(JobKind<?, ?, ?> kind, Record request, Long seed) {
        return JobRequest.of(
                kind, RequestFields.withDefaults(request), kind.seeded() ? (seed == null ? 0L : seed) : null);
    }

    /** Pi of {@code samples} (the cap) stopping at a standard error of {@code stdError}. */
    public static JobRequest piUntil(long samples, long seed, double stdError) {
        return JobRequest.of(
                new PiKind(),
                RequestFields.withDefaults(new PiRequest(samples)),
                seed,
                new io.forkpool.plugin.Until("stdError", stdError));
    }

    /**
     * The prefix rule worked out here: the smallest k such that shards 0..k-1, merged in order,
     * meet the job's target (every shard if none does), and that merge.
     */
    public record Prefix(int shards, Object merged) {}

    public static Prefix prefix(JobRequest job) {
        Object sum = null;
        for (int s = 0; s < job.shardCount(); s++) {
            Object partial = job.compute(s);
            sum = sum == null ? partial : job.merge(sum, partial);
            if (job.meetsTarget(job.finish(sum))) {
                return new Prefix(s + 1, sum);
            }
        }
        return new Prefix(job.shardCount(), sum);
    }

    /** Every shard computed here and merged in order: what the pool must answer for this job. */
    public static Object reference(JobRequest job) {
        Object sum = null;
        for (int s = 0; s < job.shardCount(); s++) {
            Object partial = job.compute(s);
            sum = sum == null ? partial : job.merge(sum, partial);
        }
        return sum;
    }

    /** The binder of the API, built-in kinds, default limits. */
    public static RequestBinder binder() {
        return new RequestBinder(KINDS, JSON, VALIDATOR, MAX_UNITS);
    }

    /** The field errors the API reports for this raw request (null fields: absent). */
    public static List<FieldError> errors(Record request) {
        return errors(request, MAX_UNITS);
    }

    public static List<FieldError> errors(Record request, long maxUnits) {
        var binder = new RequestBinder(KINDS, JSON, VALIDATOR, maxUnits);
        JobKind<?, ?, ?> kind = KINDS.all().stream()
                .map(KindRegistry.Installed::kind)
                .filter(k -> k.requestType() == request.getClass())
                .findFirst()
                .orElseThrow();
        ObjectNode body = JSON.createObjectNode();
        body.put("type", kind.name());
        RequestFields.asMap(request).forEach((field, value) -> body.set(field, JSON.valueToTree(value)));
        try {
            binder.bind(body);
            return List.of();
        } catch (InvalidRequestException e) {
            return e.errors();
        }
    }
}
