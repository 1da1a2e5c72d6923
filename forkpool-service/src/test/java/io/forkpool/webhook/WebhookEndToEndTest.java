package io.forkpool.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.forkpool.web.Api;
import io.forkpool.web.ServiceApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks through real HTTP: the service (durable store) posts to a real receiver on 127.0.0.1,
 * which is allowed by being listed; the test recomputes each signature.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "forkpool.workers.count=1",
            "forkpool.workers.warmup=0ms",
            "forkpool.webhooks.secret=" + WebhookEndToEndTest.SECRET,
            "forkpool.webhooks.allowed-hosts=127.0.0.1",
            "forkpool.webhooks.initial-interval=50ms",
            "forkpool.webhooks.max-elapsed=30s",
        })
@AutoConfigureMetrics
@ExtendWith(ServiceApi.class)
class WebhookEndToEndTest {

    static final String SECRET = "test-secret-0f3c";

    /** What the receiver got: headers and body of each POST, by path. */
    record Received(String path, Map<String, List<String>> headers, String body) {}

    static HttpServer receiver;
    static final List<Received> received = new CopyOnWriteArrayList<>();
    static final AtomicInteger flakyCalls = new AtomicInteger();

    @BeforeAll
    static void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(path, Map.copyOf(exchange.getRequestHeaders()), body));
            int status = path.startsWith("/flaky") && flakyCalls.incrementAndGet() <= 2 ? 500 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        var dir = Files.createTempDirectory("forkpool-webhooks");
        registry.add("forkpool.store.dir", dir::toString);
    }

    final Api api;

    WebhookEndToEndTest(Api api) {
        this.api = api;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    private static String header(Received r, String name) {
        return r.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst())
                .findFirst()
                .orElse(null);
    }

    @Test
    void aJobsEndArrivesOnceSignedWithTheJobsJson() throws Exception {
        String body = "{\"type\":\"pi\",\"samples\":100000,\"notify\":{\"url\":\"" + url("/ok") + "\"}}";
        var response = api.post("/api/v1/jobs", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = Api.parse(response.body()).path("id").asString();
        assertThat(Api.parse(response.body()).path("notify").path("url").asString())
                .isEqualTo(url("/ok"));

        await().atMost(Duration.ofSeconds(30)).until(() -> !at("/ok").isEmpty());
        Received r = at("/ok").getFirst();
        String timestamp = header(r, "X-Forkpool-Timestamp");
        assertThat(header(r, "X-Forkpool-Delivery")).isNotBlank();
        assertThat(Long.parseLong(timestamp))
                .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        assertThat(header(r, "X-Forkpool-Signature")).isEqualTo("sha256=" + hmac(SECRET, timestamp + "." + r.body()));
        JsonNode job = Api.parse(r.body());
        assertThat(job.path("id").asString()).isEqualTo(id);
        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("result").isObject()).isTrue();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Api.parse(api.get("/api/v1/jobs/" + id + "/deliveries")
                                        .body())
                                .findValuesAsString("outcome"))
                        .containsExactly("delivered"));
        assertThat(at("/ok")).hasSize(1);
        assertThat(api.get("/api/v1/jobs/" + id).body()).doesNotContain(SECRET);
        assertThat(api.get("/api/v1/jobs/" + id + "/deliveries").body()).doesNotContain(SECRET);
        assertThat(api.get("/actuator/prometheus").body())
                .containsPattern("forkpool_webhook_deliveries_total\\{[^}]*outcome=\"delivered\"}");
    }

    @Test
    void aReceiverThatFailsTwiceSeesThreeAttemptsOfOneDelivery() {
        String body = "{\"type\":\"pi\",\"samples\":100000,\"notify\":{\"url\":\"" + url("/flaky") + "\"}}";
        var response = api.post("/api/v1/jobs", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = Api.parse(response.body()).path("id").asString();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode attempts =
                    Api.parse(api.get("/api/v1/jobs/" + id + "/deliveries").body());
            assertThat(attempts.findValuesAsString("outcome")).containsExactly("failed", "failed", "delivered");
            assertThat(attempts.findValues("status").stream().map(JsonNode::asInt))
                    .containsExactly(500, 500, 200);
            assertThat(java.util.Set.copyOf(attempts.findValuesAsString("deliveryId")))
                    .as("one delivery, three attempts")
                    .hasSize(1);
        });
    }

    @Test
    void unlistedHostsAndLoopbackAreRefusedNamingTheField() {
        for (String bad : List.of(
                "{\"url\":\"https://example.com/hook\"}",
                "{\"url\":\"http://127.0.0.2:9/hook\"}",
                "{\"url\":\"http://localhost:9/hook\"}",
                "{\"url\":\"ftp://127.0.0.1/hook\"}",
                "\"http://127.0.0.1/hook\"",
                "{}")) {
            var response = api.post(
                    "/api/v1/jobs", "{\"type\":\"pi\",\"samples\":100000,\"timeoutSeconds\":0,\"notify\":" + bad + "}");
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.body()).as(bad).contains("notify.url").contains("timeoutSeconds");
            assertThat(response.body()).doesNotContain(SECRET);
        }
    }

    static String hmac(String secret, String data) throws Exception {
        var mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }
}
