package io.forkpool.kind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** validate() on raw requests: one error per bad field, named as in the JSON. */
class ValidationTest {

    private static final Limits LIMITS = Limits.DEFAULT;
    private static final long MAX = LIMITS.maxSamples();
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    static Stream<JobRequest> validRequests() {
        return Stream.of(
                new PiRequest(1L, null),
                new PiRequest(MAX, Long.MIN_VALUE),
                new ProjectileRequest(1L, null, null, null, null, null, null, null),
                new ProjectileRequest(MAX, 1000, 0.0, 90.0, 1e-3, 1e6, 1000.0, -1L),
                new ProjectileRequest(5L, 1, 45.0, 45.0, 7.0, 7.0, 0.1, 1L),
                new ProjectileRequest(5L, null, 20.0, null, null, 99.5, null, null),
                new DiceRequest(1L, null, null),
                new DiceRequest(MAX, 2, 0L),
                new DiceRequest(10L, 1000, 0L),
                new SineRequest(0.0, 1),
                new SineRequest(-1000.0, 10_000),
                new SineRequest(1000.0, 3),
                new SmallestMultipleRequest(1L, 1L, null, null, null),
                new SmallestMultipleRequest(MAX, 1_000_000_000L, 1L, 1_000_000_000_000L, 3L),
                new SmallestMultipleRequest(10L, 2000L, 999_999_999_999L, 1_000_000_000_000L, null),
                new SmallestMultipleRequest(10L, 7L, 998L, 999L, null));
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void validRequestsHaveNoErrors(JobRequest request) {
        assertEquals(List.of(), request.validate(LIMITS));
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                // pi
                bad(new PiRequest(null, 1L), "samples"),
                bad(new PiRequest(0L, 1L), "samples"),
                bad(new PiRequest(MAX + 1, 1L), "samples"),
                // projectile: each field out of range, NaN and infinities, then cross-field
                bad(new ProjectileRequest(null, null, null, null, null, null, null, null), "samples"),
                bad(new ProjectileRequest(-5L, 0, null, null, null, null, null, null), "samples", "bins"),
                bad(new ProjectileRequest(5L, 1001, null, null, null, null, null, null), "bins"),
                bad(new ProjectileRequest(5L, null, -1.0, 91.0, null, null, null, null),
                        "angleMinDeg", "angleMaxDeg"),
                bad(new ProjectileRequest(5L, null, NAN, INF, null, null, null, null),
                        "angleMinDeg", "angleMaxDeg"),
                bad(new ProjectileRequest(5L, null, 60.0, 50.0, null, null, null, null), "angleMaxDeg"),
                bad(new ProjectileRequest(5L, null, 40.0, null, null, null, null, null), "angleMinDeg"),
                bad(new ProjectileRequest(5L, null, null, null, 0.0, 1e6 + 1, null, null),
                        "speedMin", "speedMax"),
                bad(new ProjectileRequest(5L, null, null, null, -INF, NAN, null, null),
                        "speedMin", "speedMax"),
                bad(new ProjectileRequest(5L, null, null, null, 200.0, 150.0, null, null), "speedMax"),
                bad(new ProjectileRequest(5L, null, null, null, 150.0, null, null, null), "speedMin"),
                bad(new ProjectileRequest(5L, null, null, null, null, null, 0.0, null), "gravity"),
                bad(new ProjectileRequest(5L, null, null, null, null, null, 1000.5, null), "gravity"),
                bad(new ProjectileRequest(5L, null, null, null, null, null, NAN, null), "gravity"),
                // v²/g overflows: the bins would have no finite edges
                bad(new ProjectileRequest(5L, null, null, null, null, 1e6, Double.MIN_VALUE, null),
                        "gravity"),
                // dice
                bad(new DiceRequest(null, null, null), "rolls"),
                bad(new DiceRequest(MAX + 1, 1, null), "rolls", "faces"),
                bad(new DiceRequest(10L, 1001, null), "faces"),
                // sine
                bad(new SineRequest(null, null), "x", "terms"),
                bad(new SineRequest(NAN, 0), "x", "terms"),
                bad(new SineRequest(INF, 10_001), "x", "terms"),
                bad(new SineRequest(Double.NEGATIVE_INFINITY, 5), "x"),
                bad(new SineRequest(1000.5, 5), "x"),
                // smallest-multiple
                bad(new SmallestMultipleRequest(null, null, null, null, null), "samples", "factor"),
                bad(new SmallestMultipleRequest(0L, 0L, null, null, null), "samples", "factor"),
                bad(new SmallestMultipleRequest(5L, 1_000_000_001L, null, null, null), "factor"),
                bad(new SmallestMultipleRequest(5L, 7L, 0L, 1_000_000_000_001L, null), "low", "high"),
                bad(new SmallestMultipleRequest(5L, 7L, 500L, 500L, null), "high"),
                bad(new SmallestMultipleRequest(5L, 7L, 2000L, null, null), "low"),
                bad(new SmallestMultipleRequest(5L, 7L, null, 1L, null), "high"));
    }

    private static Arguments bad(JobRequest request, String... fields) {
        return Arguments.of(request, List.of(fields));
    }

    @ParameterizedTest
    @MethodSource("invalidRequests")
    void eachBadFieldIsNamedOnce(JobRequest request, List<String> fields) {
        var errors = request.validate(LIMITS);
        assertEquals(fields, errors.stream().map(FieldError::field).toList(), errors.toString());
        errors.forEach(e -> assertTrue(!e.message().isBlank()));
    }

    @Test
    void messagesStateTheLimits() {
        assertEquals(List.of(new FieldError("samples", "must be between 1 and 10000000000000")),
                new PiRequest(0L, null).validate(LIMITS));
        assertEquals(List.of(new FieldError("samples", "is required")),
                new PiRequest(null, null).validate(LIMITS));
        assertEquals(List.of(new FieldError("rolls", "must be between 1 and 1000")),
                new DiceRequest(1001L, null, null).validate(new Limits(1000)));
        assertEquals(
                List.of(new FieldError("speedMax", "must be a finite number greater than 0 and at most 1000000")),
                new ProjectileRequest(1L, null, null, null, null, 2e6, null, null).validate(LIMITS));
        assertEquals(List.of(new FieldError("x", "must be a finite number between -1000 and 1000")),
                new SineRequest(NAN, 1).validate(LIMITS));
        assertEquals(List.of(new FieldError("angleMaxDeg", "must be at least angleMinDeg (40)")),
                new ProjectileRequest(1L, null, 40.0, 35.5, null, null, null, null).validate(LIMITS));
        assertEquals(List.of(new FieldError("angleMinDeg", "must be at most angleMaxDeg (31, the default)")),
                new ProjectileRequest(1L, null, 40.0, null, null, null, null, null).validate(LIMITS));
        assertEquals(List.of(new FieldError("high", "must be greater than low (5)")),
                new SmallestMultipleRequest(1L, 3L, 5L, 5L, null).validate(LIMITS));
        assertEquals(List.of(new FieldError("low", "must be less than high (1000, the default)")),
                new SmallestMultipleRequest(1L, 3L, 1000L, null, null).validate(LIMITS));
    }
}
