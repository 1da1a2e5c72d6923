package io.forkpool.warmup;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warm-up's side of the loopback: one kept-alive HTTP/1.1 connection to this service, every
 * request marked with {@link WarmupKey#HEADER}, every answer's status checked. Written on a socket,
 * not with {@code java.net.http.HttpClient}, whose own first use and compiles would take the CPU and
 * the JIT the warm-up is for.
 */
final class LoopbackClient implements AutoCloseable {

    private final int port;
    private final String contextPath;
    private final String token;
    private final AtomicLong requests;
    private final Set<String> jobs;
    private Socket socket;
    private OutputStream out;
    private BufferedInputStream in;

    /**
     * @param requests counts every request sent
     * @param jobs gets the id of every job submitted, to be forgotten after
     */
    LoopbackClient(int port, String contextPath, String token, AtomicLong requests, Set<String> jobs)
            throws IOException {
        this.port = port;
        this.contextPath = contextPath;
        this.token = token;
        this.requests = requests;
        this.jobs = jobs;
        connect();
    }

    /** One answer. */
    private record Answer(String request, String status, String location, String body) {

        /** This answer if it is a 200; a warm-up request answered otherwise ends the warm-up. */
        Answer ok() {
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException(request + " answered " + status);
            }
            return this;
        }
    }

    /** A new connection: Tomcat closes a kept-alive one after 100 requests (maxKeepAliveRequests). */
    private void connect() throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(70_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream());
    }

    String get(String path) throws IOException {
        return send(head("GET", path, ""), null).ok().body();
    }

    /** Submits a job and waits for it; returns its id, kept to be forgotten. */
    String submit(String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Answer answer = send(
                head(
                        "POST",
                        "/api/v1/jobs?wait=60",
                        "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n"),
                bytes);
        String location = answer.location();
        String id = location == null ? null : location.substring(location.lastIndexOf('/') + 1);
        if (id != null) { // kept before the status is checked: a 202 job is still to forget
            jobs.add(id);
        }
        answer.ok();
        return id;
    }

    /** A request's head, marked as the warm-up's; {@code headers} are CR LF terminated lines. */
    private String head(String method, String path, String headers) {
        return method + " " + contextPath + path + " HTTP/1.1\r\nHost: localhost\r\n" + WarmupKey.HEADER + ": " + token
                + "\r\n" + headers + "\r\n";
    }

    private Answer send(String head, byte[] body) throws IOException {
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        String status = line();
        requests.incrementAndGet();
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String location = null;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                throw new IOException("not an HTTP header: " + header);
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "location" -> location = value;
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> {}
            }
        }
        var answer = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16);
                    size > 0;
                    size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                answer.write(exactly(size));
                line();
            }
            while (!line().isEmpty()) {} // trailers
        } else if (length > 0) {
            answer.write(exactly((int) length));
        }
        if (close) {
            socket.close();
            connect();
        }
        return new Answer(
                head.substring(0, head.indexOf('\r')), status, location, answer.toString(StandardCharsets.UTF_8));
    }

    private byte[] exactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("the service closed the connection in a body");
        }
        return bytes;
    }

    private String line() throws IOException {
        var line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the service closed the connection");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
