package io.forkpool.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The warm-up finds the service where users do: under {@code server.servlet.context-path}, on the
 * server's own port even when the actuator has a port of its own.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.servlet.context-path=/fp",
            "management.server.port=0",
            "forkpool.warmup.enabled=true",
            "forkpool.warmup.max=1s",
            "forkpool.warmup.clients=2",
            "forkpool.workers.count=1",
            "forkpool.workers.warmup=0ms",
        })
class WarmupBehindAContextPathTest {

    @Autowired
    Warmup warmup;

    @Test
    void theWarmupRunsThroughTheContextPathAndTheServersOwnPort() {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> warmup.health().getStatus().getCode().equals("UP"));
        assertThat(warmup.health().getDetails()).containsEntry("phase", "done");
        assertThat((Long) warmup.health().getDetails().get("requests")).isGreaterThan(40);
    }
}
