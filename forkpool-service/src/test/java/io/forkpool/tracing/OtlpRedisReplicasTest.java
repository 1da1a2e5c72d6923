package io.forkpool.tracing;

import static io.forkpool.tracing.OtlpExportTest.attributes;
import static io.forkpool.tracing.OtlpExportTest.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.ForkpoolApplication;
import io.forkpool.redis.TestRedis;
import io.forkpool.web.Api;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two replicas (in-process contexts, one worker each) on one real Redis, both exporting to one
 * OTLP receiver: a job sent to replica A with a {@code traceparent} has its shards computed by both
 * replicas' workers, and every {@code forkpool.shard} span, from either, is a child of the job's
 * span in the caller's trace; a job ended on replica B (cancelled there) ends its span on A, once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OtlpRedisReplicasTest {

    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    static TestRedis redis;
    static OtlpReceiver receiver;
    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;

    @BeforeAll
    static void start() throws IOException {
        redis = TestRedis.start();
        receiver = new OtlpReceiver(0);
        String prefix = "traces-" + UUID.randomUUID();
        a = replica(prefix);
        b = replica(prefix);
        api(a).awaitReady();
        api(b).awaitReady();
    }

    @AfterAll
    static void stop() {
        for (var context : new ConfigurableApplicationContext[] {a, b}) {
            if (context != null) {
                context.close();
            }
        }
        if (receiver != null) {
            receiver.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static ConfigurableApplicationContext replica(String prefix) {
        return new SpringApplicationBuilder(ForkpoolApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--forkpool.backend=redis",
                        "--spring.data.redis.host=" + redis.host(),
                        "--spring.data.redis.port=" + redis.port(),
                        "--forkpool.redis.key-prefix=" + prefix,
                        "--forkpool.workers.count=1",
                        "--forkpool.workers.warmup=0ms",
                        "--management.tracing.sampling.probability=1.0",
                        "--management.opentelemetry.tracing.export.schedule-delay=100ms",
                        "--management.opentelemetry.tracing.export.otlp.endpoint=" + receiver.endpoint());
    }

    private static Api api(ConfigurableApplicationContext context) {
        return new Api("http://127.0.0.1:"
                + ((WebServerApplicationContext) context).getWebServer().getPort());
    }

    private static String traceparent(String traceId) {
        return "00-" + traceId + "-" + CALLER_SPAN + "-01";
    }

    private static List<Span> inTrace(String traceId) {
        return receiver.spans().stream()
                .filter(s -> hex(s.getTraceId()).equals(traceId))
                .toList();
    }

    private static List<Span> named(String traceId, String name) {
        return inTrace(traceId).stream().filter(s -> s.getName().equals(name)).toList();
    }

    @Test
    @Order(1) // first: the cancelled job's shards may keep a worker busy a while
    void shardsComputedOnEitherReplicaAreChildrenOfTheJobSpanOfTheReplicaThatAdmittedIt() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        api(a).awaitWorkersIdle(1, Duration.ofSeconds(60));
        api(b).awaitWorkersIdle(1, Duration.ofSeconds(60));
        var response = api(a).post(
                        "/api/v1/jobs?wait=60",
                        "{\"type\":\"pi\",\"samples\":1000000000}",
                        r -> r.header("traceparent", traceparent(traceId)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var job = Api.parse(response.body());
        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        String jobId = job.path("id").asString();
        int shards = job.path("progress").path("shardsTotal").asInt();
        assertThat(shards).as("a job of several shards").isGreaterThan(2);

        await("the job's spans at the receiver")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> named(traceId, "forkpool.shard").size() >= shards
                        && !named(traceId, "forkpool.job").isEmpty());

        List<Span> jobSpans = named(traceId, "forkpool.job");
        assertThat(jobSpans).as("one job span").hasSize(1);
        Span jobSpan = jobSpans.getFirst();
        assertThat(attributes(jobSpan))
                .containsEntry("forkpool.job.id", jobId)
                .containsEntry("forkpool.job.status", "SUCCEEDED");
        List<Span> shardSpans = named(traceId, "forkpool.shard");
        assertThat(shardSpans).hasSizeGreaterThanOrEqualTo(shards).allSatisfy(s -> {
            assertThat(hex(s.getTraceId())).isEqualTo(traceId);
            assertThat(s.getParentSpanId()).as("shard under the job").isEqualTo(jobSpan.getSpanId());
            assertThat(attributes(s))
                    .containsEntry("forkpool.job.id", jobId)
                    .containsKey("forkpool.replica")
                    .containsKey("forkpool.worker.pid");
        });
        Set<String> replicas = shardSpans.stream()
                .map(s -> attributes(s).get("forkpool.replica"))
                .collect(Collectors.toSet());
        assertThat(replicas).as("shards computed on both replicas").hasSize(2);
        Set<String> pids = shardSpans.stream()
                .map(s -> attributes(s).get("forkpool.worker.pid"))
                .collect(Collectors.toSet());
        assertThat(pids).as("by both replicas' workers").hasSizeGreaterThanOrEqualTo(2);
        assertThat(a.getBean(JobSpans.class).openSpans()).isZero();
        assertThat(b.getBean(JobSpans.class).openSpans()).isZero();
        assertThat(receiver.badRequests()).isZero();
    }

    @Test
    @Order(2)
    void aJobEndedOnTheOtherReplicaEndsItsSpanOnTheAdmittingOneOnce() throws InterruptedException {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        var response = api(a).post(
                        "/api/v1/jobs",
                        "{\"type\":\"pi\",\"samples\":100000000000}",
                        r -> r.header("traceparent", traceparent(traceId)));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 202);
        String jobId = Api.parse(response.body()).path("id").asString();

        var cancelled = api(b).delete("/api/v1/jobs/" + jobId);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isBetween(200, 204);

        await("the job's span, ended on A")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !named(traceId, "forkpool.job").isEmpty());
        Thread.sleep(1000); // time for a second end to arrive, if there were one
        List<Span> jobSpans = named(traceId, "forkpool.job");
        assertThat(jobSpans).hasSize(1);
        assertThat(attributes(jobSpans.getFirst()))
                .containsEntry("forkpool.job.id", jobId)
                .containsEntry("forkpool.job.status", "CANCELLED");
        assertThat(a.getBean(JobSpans.class).openSpans())
                .as("nothing left open on A")
                .isZero();
    }
}
