package io.forkpool.kind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.forkpool.plugin.FieldError;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Raw requests through the binder: one error per bad field, named as in the JSON, as the API says them. */
class ValidationTest {

    private static final long MAX = TestJobs.MAX_UNITS;
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    static Stream<Record> validRequests() {
        return Stream.of(
                new PiRequest(1L),
                new PiRequest(MAX),
                new ProjectileRequest(1L, null, null, null, null, null, null),
                new ProjectileRequest(MAX, 1000, 0.0, 90.0, 1e-3, 1e6, 1000.0),
                new ProjectileRequest(5L, 1, 45.0, 45.0, 7.0, 7.0, 0.1),
                new ProjectileRequest(5L, null, 20.0, null, null, 99.5, null),
                new DiceRequest(1L, null),
                new DiceRequest(MAX, 2),
                new DiceRequest(10L, 1000),
                new SineRequest(0.0, 1),
                new SineRequest(-1000.0, 10_000),
                new SineRequest(1000.0, 3),
                new SmallestMultipleRequest(1L, 1L, null, null),
                new SmallestMultipleRequest(MAX, 1_000_000_000L, 1L, 1_000_000_000_000L),
                new SmallestMultipleRequest(10L, 2000L, 999_999_999_999L, 1_000_000_000_000L),
                new SmallestMultipleRequest(10L, 7L, 998L, 999L));
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void validRequestsHaveNoErrors(Record request) {
        assertEquals(List.of(), TestJobs.errors(request));
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                // pi
                bad(new PiRequest(null), "samples"),
                bad(new PiRequest(0L), "samples"),
                bad(new PiRequest(MAX + 1), "samples"),
                // projectile: each field out of range, NaN and infinities, then cross-field
                bad(new ProjectileRequest(null, null, null, null, null, null, null), "samples"),
                bad(new ProjectileRequest(-5L, 0, null, null, null, null, null), "samples", "bins"),
                bad(new ProjectileRequest(5L, 1001, null, null, null, null, null), "bins"),
                bad(new ProjectileRequest(5L, null, -1.0, 91.0, null, null, null), "angleMinDeg", "angleMaxDeg"),
                bad(new ProjectileRequest(5L, null, NAN, INF, null, null, null), "angleMinDeg", "angleMaxDeg"),
                bad(new ProjectileRequest(5L, null, 60.0, 50.0, null, null, null), "angleMaxDeg"),
                bad(new ProjectileRequest(5L, null, 40.0, null, null, null, null), "angleMinDeg"),
                bad(new ProjectileRequest(5L, null, null, null, 0.0, 1e6 + 1, null), "speedMin", "speedMax"),
                bad(new ProjectileRequest(5L, null, null, null, -INF, NAN, null), "speedMin", "speedMax"),
                bad(new ProjectileRequest(5L, null, null, null, 200.0, 150.0, null), "speedMax"),
                bad(new ProjectileRequest(5L, null, null, null, 150.0, null, null), "speedMin"),
                bad(new ProjectileRequest(5L, null, null, null, null, null, 0.0), "gravity"),
                bad(new ProjectileRequest(5L, null, null, null, null, null, 1000.5), "gravity"),
                bad(new ProjectileRequest(5L, null, null, null, null, null, NAN), "gravity"),
                // v²/g overflows: the bins would have no finite edges
                bad(new ProjectileRequest(5L, null, null, null, null, 1e6, Double.MIN_VALUE), "gravity"),
                // dice
                bad(new DiceRequest(null, null), "rolls"),
                bad(new DiceRequest(MAX + 1, 1), "rolls", "faces"),
                bad(new DiceRequest(10L, 1001), "faces"),
                // sine
                bad(new SineRequest(null, null), "x", "terms"),
                bad(new SineRequest(NAN, 0), "x", "terms"),
                bad(new SineRequest(INF, 10_001), "x", "terms"),
                bad(new SineRequest(Double.NEGATIVE_INFINITY, 5), "x"),
                bad(new SineRequest(1000.5, 5), "x"),
                // smallest-multiple
                bad(new SmallestMultipleRequest(null, null, null, null), "samples", "factor"),
                bad(new SmallestMultipleRequest(0L, 0L, null, null), "samples", "factor"),
                bad(new SmallestMultipleRequest(5L, 1_000_000_001L, null, null), "factor"),
                bad(new SmallestMultipleRequest(5L, 7L, 0L, 1_000_000_000_001L), "low", "high"),
                bad(new SmallestMultipleRequest(5L, 7L, 500L, 500L), "high"),
                bad(new SmallestMultipleRequest(5L, 7L, 2000L, null), "low"),
                bad(new SmallestMultipleRequest(5L, 7L, null, 1L), "high"));
    }

    private static Arguments bad(Record request, String... fields) {
        return Arguments.of(request, List.of(fields));
    }

    @ParameterizedTest
    @MethodSource("invalidRequests")
    void eachBadFieldIsNamedOnce(Record request, List<String> fields) {
        var errors = TestJobs.errors(request);
        assertEquals(fields, errors.stream().map(FieldError::field).toList(), errors.toString());
        errors.forEach(e -> assertTrue(!e.message().isBlank()));
    }

    @Test
    void messagesStateTheLimits() {
        assertEquals(
                List.of(new FieldError("samples", "must be between 1 and 10000000000000")),
                TestJobs.errors(new PiRequest(0L)));
        assertEquals(List.of(new FieldError("samples", "is required")), TestJobs.errors(new PiRequest(null)));
        assertEquals(
                List.of(new FieldError("rolls", "must be between 1 and 1000")),
                TestJobs.errors(new DiceRequest(1001L, null), 1000));
        assertEquals(
                List.of(new FieldError("speedMax", "must be a finite number greater than 0 and at most 1000000")),
                TestJobs.errors(new ProjectileRequest(1L, null, null, null, null, 2e6, null)));
        assertEquals(
                List.of(new FieldError("x", "must be a finite number between -1000 and 1000")),
                TestJobs.errors(new SineRequest(NAN, 1)));
        assertEquals(
                List.of(new FieldError("angleMaxDeg", "must be at least angleMinDeg (40)")),
                TestJobs.errors(new ProjectileRequest(1L, null, 40.0, 35.5, null, null, null)));
        assertEquals(
                List.of(new FieldError("angleMinDeg", "must be at most angleMaxDeg (31, the default)")),
                TestJobs.errors(new ProjectileRequest(1L, null, 40.0, null, null, null, null)));
        assertEquals(
                List.of(new FieldError("high", "must be greater than low (5)")),
                TestJobs.errors(new SmallestMultipleRequest(1L, 3L, 5L, 5L)));
        assertEquals(
                List.of(new FieldError("low", "must be less than high (1000, the default)")),
                TestJobs.errors(new SmallestMultipleRequest(1L, 3L, 1000L, null)));
    }
}
