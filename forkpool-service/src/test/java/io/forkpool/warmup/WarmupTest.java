package io.forkpool.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.web.Api;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Ready means warm: readiness stays DOWN while the service sends itself its warm-up traffic (here
 * through an API key it does not know), and what it sent is neither listed nor counted once it is
 * ready; a user's first job then counts from one, and the warm-up's secret no longer opens the API.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "forkpool.warmup.enabled=true",
            "forkpool.warmup.max=2s",
            "forkpool.warmup.clients=4",
            "forkpool.security.api-keys=k1",
            "forkpool.workers.count=1",
            "forkpool.workers.warmup=0ms",
        })
@AutoConfigureMetrics
class WarmupTest {

    @LocalServerPort
    int port;

    @Autowired
    Warmup warmup;

    @Autowired
    WarmupKey key;

    @Test
    void readinessWaitsForTheWarmupWhichLeavesNoJobAndNoCount() {
        var api = new Api(port);
        var downWhileWarming = new AtomicInteger();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    int readiness = api.get("/actuator/health/readiness").statusCode();
                    Object phase = warmup.health().getDetails().get("phase");
                    // read in this order, readiness UP means the warm-up had ended before: it never restarts
                    if (readiness == 200) {
                        assertThat(phase)
                                .as("the warm-up's phase when readiness was UP")
                                .isEqualTo("done");
                    } else if (!"done".equals(phase)) {
                        downWhileWarming.incrementAndGet();
                    }
                    return readiness == 200;
                });
        assertThat(downWhileWarming)
                .as("readiness seen DOWN during the warm-up")
                .hasPositiveValue();
        // two rounds of every kind's example (submit, read, plot) and warm-up request, then the load
        assertThat((Long) warmup.health().getDetails().get("requests")).isGreaterThan(40);
        assertThat((Long) warmup.health().getDetails().get("loadRequests"))
                .as("requests of the load phase")
                .isGreaterThanOrEqualTo(20);

        assertThat(Api.parse(keyed(api, "/api/v1/jobs").body())
                        .path("totalElements")
                        .asLong())
                .as("jobs listed after the warm-up")
                .isZero();
        String metrics = api.get("/actuator/prometheus").body();
        assertThat(metrics).doesNotContain("forkpool_jobs_submitted_total{");
        assertThat(metrics).doesNotContain("forkpool_samples_total{");
        assertThat(metrics).doesNotContainPattern("http_server_requests_seconds_count\\{[^}]*method=\"POST\"");

        var job = api.post(
                "/api/v1/jobs?wait=60",
                "{\"type\":\"pi\",\"samples\":100000,\"seed\":3}",
                b -> b.header("X-API-Key", "k1"));
        assertThat(job.statusCode()).isEqualTo(200);
        assertThat(Api.parse(keyed(api, "/api/v1/jobs").body())
                        .path("totalElements")
                        .asLong())
                .isOne();
        assertThat(api.get("/actuator/prometheus").body())
                .containsPattern("forkpool_jobs_submitted_total\\{[^}]*type=\"pi\"[^}]*} 1\\.0")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*method=\"POST\"[^}]*} 1\\b");

        // its secret stood for an API key only while it ran
        var late = api.post(
                "/api/v1/jobs?wait=60",
                "{\"type\":\"pi\",\"samples\":1000}",
                b -> b.header(WarmupKey.HEADER, key.token()));
        assertThat(late.statusCode()).as(late.body()).isEqualTo(401);
    }

    private static HttpResponse<String> keyed(Api api, String path) {
        return api.send(api.request(path).header("X-API-Key", "k1").GET().build());
    }
}
