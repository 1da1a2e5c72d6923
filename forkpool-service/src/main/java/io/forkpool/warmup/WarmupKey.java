package io.forkpool.warmup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * The secret the warm-up's loopback requests carry in {@link #HEADER}: made at start, it stands for an
 * API key ({@code web/ApiKeyFilter}) only while a warm-up runs.
 */
@Component
public class WarmupKey {

    /** The header that marks the service's own warm-up requests; its value is this process's secret. */
    public static final String HEADER = "X-Forkpool-Warmup";

    private final String token = secret();

    /** Warm-ups running: the header stands for an API key only while one runs. */
    private final AtomicInteger running = new AtomicInteger();

    /** Whether a request's {@link #HEADER} value is this process's own, while its warm-up runs. */
    public boolean isOwn(String header) {
        return header != null
                && running.get() > 0
                && MessageDigest.isEqual(
                        header.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** The secret, for the warm-up's requests (and the tests that show it stops working after). */
    String token() {
        return token;
    }

    /** Runs {@code warmUp} with the secret in force. */
    void during(Runnable warmUp) {
        running.incrementAndGet();
        try {
            warmUp.run();
        } finally {
            running.decrementAndGet();
        }
    }

    private static String secret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
