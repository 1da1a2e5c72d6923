package io.forkpool.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.forkpool.job.JobStatus;
import io.forkpool.kind.TestJobs;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.redis.RedisReplicaFixture;
import io.forkpool.redis.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two replicas on one real Redis, each with its webhook sender: a job submitted on one and ended on
 * the other is posted once, and its attempts are read alike from both.
 */
class WebhookReplicasTest {

    final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    @Test
    void aJobEndedOnOneOfTwoReplicasIsPostedOnce() throws Exception {
        var redis = TestRedis.start();
        opened.add(redis);
        var client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        opened.add(client::shutdown);
        var received = new CopyOnWriteArrayList<String>();
        var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("X-Forkpool-Delivery"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        opened.add(() -> receiver.stop(0));

        String prefix = "webhooks-" + UUID.randomUUID();
        var a = new RedisReplicaFixture(client, prefix, "a");
        var b = new RedisReplicaFixture(client, prefix, "b");
        opened.add(a);
        opened.add(b);
        var settings = new WebhookSettings(
                "s3cret",
                List.of("127.0.0.1"),
                null,
                Duration.ofMillis(50),
                2.0,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5));
        for (var replica : List.of(a, b)) {
            var sender = new WebhookSender(
                    replica.store(),
                    replica.deliveries(),
                    settings,
                    JsonMapper.builder().build(),
                    new ForkpoolMetrics(new SimpleMeterRegistry()));
            opened.add(sender);
        }

        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        var request = TestJobs.pi(100_000L, 1L);
        var job = a.store().submit("two-replicas", request, null, url, 10, null);
        for (int i = 0; i < request.shardCount(); i++) {
            b.computeOneShard();
        }
        assertThat(a.store()
                        .await(job.id(), Duration.ofSeconds(10))
                        .orElseThrow()
                        .status())
                .isEqualTo(JobStatus.SUCCEEDED);

        await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> received.size() == 1);
        assertThat(received).containsExactly(WebhookSender.deliveryId(job.id()));
        for (var replica : List.of(a, b)) {
            assertThat(replica.deliveries().attempts(job.id()))
                    .extracting(DeliveryLog.Attempt::outcome)
                    .containsExactly("delivered");
        }
    }
}
