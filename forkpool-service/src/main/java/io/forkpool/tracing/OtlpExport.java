package io.forkpool.tracing;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingProperties;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.Transport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OTLP span exporter, from Boot's own properties ({@code
 * management.opentelemetry.tracing.export.otlp.*}), decided when the context starts rather than
 * by a condition: Boot's auto-configuration (excluded in application.yaml) makes the exporter only
 * if the endpoint was set when the beans were chosen, which for the packaged jar (Spring AOT mode)
 * is the build. Without an endpoint the exporter drops everything and opens no connection.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OtlpTracingProperties.class)
class OtlpExport {

    @Bean
    SpanExporter otlpSpanExporter(OtlpTracingProperties otlp) {
        String endpoint = otlp.getEndpoint();
        if (endpoint == null || endpoint.isBlank()) {
            return SpanExporter.composite(); // exports nothing
        }
        if (otlp.getTransport() != Transport.HTTP) {
            throw new IllegalStateException("forkpool exports spans over OTLP/HTTP only; "
                    + "management.opentelemetry.tracing.export.otlp.transport is " + otlp.getTransport());
        }
        var builder = OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint)
                .setTimeout(otlp.getTimeout())
                .setConnectTimeout(otlp.getConnectTimeout())
                .setCompression(otlp.getCompression().name().toLowerCase(java.util.Locale.ROOT));
        otlp.getHeaders().forEach(builder::addHeader);
        return builder.build();
    }
}
