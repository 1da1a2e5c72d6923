package io.forkpool.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.forkpool.web.Api;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service exports its spans over OTLP/HTTP to a receiver that decodes them with the published
 * OTLP classes: a job POSTed with a {@code traceparent} yields, in that trace, the request's server
 * span, a {@code forkpool.job} span under it and one {@code forkpool.shard} span per shard under that,
 * each naming the worker process that computed it.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "forkpool.workers.count=2",
            "forkpool.workers.warmup=0ms",
            "management.tracing.sampling.probability=1.0",
            "management.opentelemetry.tracing.export.schedule-delay=100ms",
        })
class OtlpExportTest {

    static final OtlpReceiver RECEIVER = start();

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void endpoint(DynamicPropertyRegistry registry) {
        registry.add("management.opentelemetry.tracing.export.otlp.endpoint", RECEIVER::endpoint);
    }

    @AfterAll
    static void stop() {
        RECEIVER.close();
    }

    @Test
    void aJobsRequestJobAndShardSpansArriveInTheCallersTrace() {
        var api = new Api(port);
        api.awaitReady();
        var response = api.post(
                "/api/v1/jobs?wait=30",
                "{\"type\":\"pi\",\"samples\":20000000}",
                b -> b.header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var job = Api.parse(response.body());
        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        String jobId = job.path("id").asString();
        int shards = job.path("progress").path("shardsTotal").asInt();
        assertThat(shards).as("a job of several shards").isGreaterThan(1);

        await("the job's spans at the receiver")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> inTrace().stream()
                                        .filter(s -> s.getName().equals("forkpool.shard"))
                                        .count()
                                >= shards
                        && spanNamed("forkpool.job").isPresent()
                        // the request's span ends after its response is written, so it may come in a later export
                        && inTrace().stream().anyMatch(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER));

        List<Span> trace = inTrace();
        Span request = trace.stream()
                .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no server span in " + names(trace)));
        assertThat(hex(request.getParentSpanId())).as("the request's parent").isEqualTo(CALLER_SPAN);
        assertThat(attributes(request).values())
                .as("%s", attributes(request))
                .anyMatch(v -> v.startsWith("/api/v1/jobs"));

        Span jobSpan = spanNamed("forkpool.job").orElseThrow();
        assertThat(jobSpan.getParentSpanId()).as("job under the request").isEqualTo(request.getSpanId());
        assertThat(attributes(jobSpan))
                .containsEntry("forkpool.job.id", jobId)
                .containsEntry("forkpool.job.kind", "pi")
                .containsEntry("forkpool.job.status", "SUCCEEDED");

        List<Span> shardSpans =
                trace.stream().filter(s -> s.getName().equals("forkpool.shard")).toList();
        assertThat(shardSpans).hasSize(shards).allSatisfy(s -> {
            assertThat(s.getParentSpanId()).as("shard under the job").isEqualTo(jobSpan.getSpanId());
            var tags = attributes(s);
            assertThat(tags).containsEntry("forkpool.job.id", jobId).containsEntry("forkpool.shard.outcome", "done");
            assertThat(Long.parseLong(tags.get("forkpool.worker.pid"))).isPositive();
            assertThat(s.getStartTimeUnixNano()).isGreaterThanOrEqualTo(jobSpan.getStartTimeUnixNano());
            assertThat(s.getEndTimeUnixNano()).isLessThanOrEqualTo(jobSpan.getEndTimeUnixNano());
        });
        Set<String> indexes = shardSpans.stream()
                .map(s -> attributes(s).get("forkpool.shard.index"))
                .collect(Collectors.toSet());
        assertThat(indexes).as("one span per shard").hasSize(shards).contains("0", String.valueOf(shards - 1));
        assertThat(RECEIVER.badRequests()).isZero();
    }

    private static List<Span> inTrace() {
        return RECEIVER.spans().stream()
                .filter(s -> hex(s.getTraceId()).equals(TRACE_ID))
                .toList();
    }

    private static Optional<Span> spanNamed(String name) {
        return inTrace().stream().filter(s -> s.getName().equals(name)).findFirst();
    }

    private static List<String> names(List<Span> spans) {
        return spans.stream().map(Span::getName).toList();
    }

    /** Every attribute as a string, whatever its OTLP type. */
    static Map<String, String> attributes(Span span) {
        return span.getAttributesList().stream()
                .collect(Collectors.toMap(
                        a -> a.getKey(),
                        a -> switch (a.getValue().getValueCase()) {
                            case STRING_VALUE -> a.getValue().getStringValue();
                            case INT_VALUE -> String.valueOf(a.getValue().getIntValue());
                            case BOOL_VALUE -> String.valueOf(a.getValue().getBoolValue());
                            case DOUBLE_VALUE -> String.valueOf(a.getValue().getDoubleValue());
                            default -> a.getValue().toString();
                        },
                        (a, b) -> a));
    }

    static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    private static OtlpReceiver start() {
        try {
            return new OtlpReceiver(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
