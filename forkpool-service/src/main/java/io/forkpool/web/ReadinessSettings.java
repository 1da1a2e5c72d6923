package io.forkpool.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.readiness.*}: how long readiness waits, once the worker pool is ready, for the
 * service's own JIT compiler to go quiet ({@link CompilerQuietHealth}).
 *
 * @param quietWindow quiet means: the JVM's total compile time grew by less than a tenth of this
 *     window over the last window
 * @param quietMax at most this long after the pool is ready; 0 turns the wait off
 */
@ConfigurationProperties("forkpool.readiness")
record ReadinessSettings(
        @DefaultValue("500ms") Duration quietWindow,
        @DefaultValue("5s") Duration quietMax) {

    ReadinessSettings {
        if (quietWindow.toMillis() < 100 || quietMax.isNegative()) {
            throw new IllegalArgumentException(
                    "forkpool.readiness.quiet-window must be at least 100ms and quiet-max 0 or more");
        }
    }
}
