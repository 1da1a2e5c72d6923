package io.forkpool.warmup;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.warmup.*}: the traffic the service sends itself before it says ready
 * ({@link Warmup}).
 *
 * @param enabled whether readiness waits for the warm-up at all
 * @param max the longest the load phase may run; it ends sooner once the JIT has gone quiet
 * @param clients concurrent loopback requests in the load phase
 */
@ConfigurationProperties("forkpool.warmup")
record WarmupSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("30s") Duration max,
        @DefaultValue("32") int clients) {

    WarmupSettings {
        if (max.isNegative()) {
            throw new IllegalArgumentException("forkpool.warmup.max must not be negative, was " + max);
        }
        if (clients < 1 || clients > 64) {
            throw new IllegalArgumentException("forkpool.warmup.clients must be 1 to 64, was " + clients);
        }
    }
}
