package io.forkpool.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.forkpool.web.Api;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * Without {@code management.opentelemetry.tracing.export.otlp.endpoint} nothing is exported: no
 * OTLP exporter bean, the span exporter drops everything, and a receiver on OTLP/HTTP's default
 * port (4318, where an exporter built with defaults would send) hears nothing, even with every
 * trace sampled and a short export delay.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "forkpool.workers.count=2",
            "forkpool.workers.warmup=0ms",
            "management.tracing.sampling.probability=1.0",
            "management.opentelemetry.tracing.export.schedule-delay=100ms",
        })
@ExtendWith(OutputCaptureExtension.class)
class OtlpExportOffTest {

    static final OtlpReceiver DEFAULT_PORT = onDefaultPort();

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    SpanExporter exporter;

    @Autowired
    JobSpans jobSpans;

    @AfterAll
    static void stop() {
        if (DEFAULT_PORT != null) {
            DEFAULT_PORT.close();
        }
    }

    @Test
    void noEndpointNoExporterNoTraffic(CapturedOutput output) throws InterruptedException {
        assertThat(context.getBeanNamesForType(OtlpHttpSpanExporter.class)).isEmpty();
        assertThat(context.getBeanNamesForType(OtlpGrpcSpanExporter.class)).isEmpty();
        assertThat(exporter.toString())
                .as("the exporter when no endpoint is set")
                .contains("Noop");

        var api = new Api(port);
        api.awaitReady();
        api.post(
                "/api/v1/jobs?wait=30",
                "{\"type\":\"pi\",\"samples\":2000000}",
                b -> b.header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assertThat(jobSpans.openSpans()).as("the job's span ended with it").isZero();
        Thread.sleep(Duration.ofMillis(1000)); // ten export periods

        assertThat(output.getOut() + output.getErr())
                .doesNotContainIgnoringCase("OtlpHttpSpanExporter")
                .doesNotContainIgnoringCase("Failed to export");
        assumeTrue(DEFAULT_PORT != null, "port 4318 is taken here: the receiver on it could not listen");
        assertThat(DEFAULT_PORT.requests()).isZero();
    }

    private static OtlpReceiver onDefaultPort() {
        try {
            return new OtlpReceiver(4318);
        } catch (IOException e) {
            return null;
        }
    }
}
