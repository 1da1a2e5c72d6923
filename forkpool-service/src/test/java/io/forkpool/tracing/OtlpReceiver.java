package io.forkpool.tracing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP trace receiver on 127.0.0.1: takes {@code POST /v1/traces} with a protobuf body,
 * decodes it with the published OTLP classes and keeps the spans; any other request counts as bad.
 */
final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger bad = new AtomicInteger();

    OtlpReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try (exchange) {
                String type = exchange.getRequestHeaders().getFirst("Content-Type");
                if (!"POST".equals(exchange.getRequestMethod())
                        || !"/v1/traces".equals(exchange.getRequestURI().getPath())
                        || type == null
                        || !type.startsWith("application/x-protobuf")) {
                    bad.incrementAndGet();
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                InputStream body = exchange.getRequestBody();
                if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(body);
                }
                var request = ExportTraceServiceRequest.parseFrom(body);
                request.getResourceSpansList().stream()
                        .flatMap(r -> r.getScopeSpansList().stream())
                        .flatMap(s -> s.getSpansList().stream())
                        .forEach(spans::add);
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            } catch (IOException | RuntimeException e) {
                bad.incrementAndGet();
                exchange.sendResponseHeaders(400, -1);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String endpoint() {
        return "http://127.0.0.1:" + port() + "/v1/traces";
    }

    List<Span> spans() {
        return List.copyOf(spans);
    }

    int requests() {
        return requests.get();
    }

    int badRequests() {
        return bad.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
