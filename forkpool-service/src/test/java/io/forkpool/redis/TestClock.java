package io.forkpool.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system's clock until a test sets it; then still, until the test moves it on. */
final class TestClock extends Clock {

    private volatile Instant fixed;

    /** From now on the time is {@code instant}, and stays so. */
    void set(Instant instant) {
        fixed = instant;
    }

    void advance(Duration by) {
        fixed = instant().plus(by);
    }

    @Override
    public Instant instant() {
        Instant f = fixed;
        return f != null ? f : Instant.now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
