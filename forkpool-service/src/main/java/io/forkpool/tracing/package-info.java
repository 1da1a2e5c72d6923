/**
 * Traces: a {@code forkpool.job} span from a job's admission to its end, in the trace of the
 * request that submitted it, and a {@code forkpool.shard} span per shard try under it. Spans go
 * through Micrometer Tracing (OpenTelemetry bridge); Boot exports them over OTLP only when
 * {@code management.opentelemetry.tracing.export.otlp.endpoint} is set.
 */
package io.forkpool.tracing;
