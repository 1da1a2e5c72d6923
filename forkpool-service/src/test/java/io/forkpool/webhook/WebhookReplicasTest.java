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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two replicas on one real Redis, each with its webhook sender: a job submitted on one and ended on
 * the other is posted once, and its attempts are read alike from both; each retry is made once
 * while both live, and the other replica takes over the retries of one that dies.
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

    /** Answers 500 while {@link #failures} is above 0 (counting it down), then 204; records each post's delivery id. */
    final class Receiver {
        final List<String> received = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        final HttpServer server;

        Receiver() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                received.add(exchange.getRequestHeaders().getFirst("X-Forkpool-Delivery"));
                exchange.getRequestBody().readAllBytes();
                boolean fail = failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
                exchange.sendResponseHeaders(fail ? 500 : 204, -1);
                exchange.close();
            });
            server.start();
            opened.add(() -> server.stop(0));
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }
    }

    /** Quick retries (100 ms doubling to 400 ms) and a short timeout, so a lease runs out in about 3 s. */
    static final WebhookSettings QUICK = new WebhookSettings(
            "s3cret",
            List.of("127.0.0.1"),
            null,
            Duration.ofMillis(100),
            2.0,
            Duration.ofMillis(400),
            Duration.ofSeconds(60),
            Duration.ofSeconds(1));

    RedisReplicaFixture replica(RedisClient client, String prefix, String name) {
        var replica = new RedisReplicaFixture(client, prefix, name);
        opened.add(replica);
        return replica;
    }

    WebhookSender sender(RedisReplicaFixture replica) {
        var sender = new WebhookSender(
                replica.store(),
                replica.deliveries(),
                QUICK,
                JsonMapper.builder().build(),
                new ForkpoolMetrics(new SimpleMeterRegistry()));
        opened.add(sender);
        return sender;
    }

    RedisClient client() {
        var redis = TestRedis.start();
        opened.add(redis);
        var client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        opened.add(client::shutdown);
        return client;
    }

    /** Submits a job of one shard on {@code on} and ends it there: its end is heard (and posted) there. */
    String endOn(RedisReplicaFixture on, String url) throws Exception {
        var request = TestJobs.pi(1_000L, 1L);
        var job = on.store().submit("replicas", request, null, url, 10, null);
        for (int i = 0; i < request.shardCount(); i++) {
            on.computeOneShard();
        }
        assertThat(on.store()
                        .await(job.id(), Duration.ofSeconds(10))
                        .orElseThrow()
                        .status())
                .isEqualTo(JobStatus.SUCCEEDED);
        return job.id();
    }

    @Test
    void whileBothReplicasLiveEachRetryIsPostedOnce() throws Exception {
        var client = client();
        var receiver = new Receiver();
        receiver.failures.set(3);
        String prefix = "webhooks-" + UUID.randomUUID();
        var a = replica(client, prefix, "a");
        var b = replica(client, prefix, "b");
        sender(a);
        sender(b);

        String id = endOn(a, receiver.url());

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() >= 4);
        // past a lease (about 3 s): nobody takes over a delivery that is settled, or holds it again
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> receiver.received.size() == 4);
        assertThat(receiver.received).containsOnly(WebhookSender.deliveryId(id));
        for (var replica : List.of(a, b)) {
            assertThat(replica.deliveries().attempts(id))
                    .extracting(DeliveryLog.Attempt::attempt, DeliveryLog.Attempt::outcome)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1, "failed"),
                            org.assertj.core.groups.Tuple.tuple(2, "failed"),
                            org.assertj.core.groups.Tuple.tuple(3, "failed"),
                            org.assertj.core.groups.Tuple.tuple(4, "delivered"));
        }
    }

    @Test
    void theRetriesOfAReplicaThatDiedAreTakenOverByAnother() throws Exception {
        var client = client();
        var receiver = new Receiver();
        receiver.failures.set(Integer.MAX_VALUE);
        String prefix = "webhooks-" + UUID.randomUUID();
        var a = replica(client, prefix, "a");
        var b = replica(client, prefix, "b");
        var senderOfA = sender(a);
        sender(b);

        String id = endOn(a, receiver.url());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> a.deliveries().attempts(id).size() >= 2);
        senderOfA.close(); // A dies: no more attempts from it, its lease is left to run out
        Thread.sleep(300); // a post A had on the way arrives
        int postsOfA = receiver.received.size();
        receiver.failures.set(0);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> !b.deliveries().attempts(id).isEmpty()
                        && b.deliveries().attempts(id).getLast().outcome().equals("delivered"));
        await().during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(6))
                .until(() -> b.deliveries().attempts(id).getLast().outcome().equals("delivered"));
        var attempts = b.deliveries().attempts(id);
        assertThat(attempts)
                .extracting(DeliveryLog.Attempt::attempt)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, attempts.size())
                        .boxed()
                        .toList());
        assertThat(attempts).extracting(DeliveryLog.Attempt::deliveryId).containsOnly(WebhookSender.deliveryId(id));
        assertThat(attempts.subList(0, attempts.size() - 1))
                .extracting(DeliveryLog.Attempt::outcome)
                .containsOnly("failed");
        // every post was one attempt, all with one delivery id; B posted once (it was answered 204)
        assertThat(receiver.received).hasSize(attempts.size()).containsOnly(WebhookSender.deliveryId(id));
        assertThat(receiver.received.size()).isEqualTo(postsOfA + 1);
    }
}
