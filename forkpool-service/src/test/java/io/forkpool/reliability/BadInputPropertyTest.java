package io.forkpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.ForkpoolApplication;
import io.forkpool.web.Api;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Property-based bad input against one running service: random JSON, valid job bodies with
 * fields mutated (wrong types, extreme numbers, NaN strings, huge strings, missing, unknown or
 * duplicated fields, broken text), random headers and content types, random methods and paths
 * under {@code /api/v1}. Whatever comes in: never a 5xx, an answer within {@link #BOUND}, no
 * internals in an error body; and after each property the service is healthy and runs a job.
 * Jobs that happen to be valid are cancelled at once ({@code max-samples} keeps them small).
 */
class BadInputPropertyTest {

    /** Longest acceptable answer to any of these requests, on a shared, busy machine. */
    static final Duration BOUND = Duration.ofSeconds(10);

    /** The service, started once for the class, on loopback. */
    static final class Service {
        static final ConfigurableApplicationContext CONTEXT = new SpringApplicationBuilder(ForkpoolApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--forkpool.workers.count=1",
                        "--forkpool.workers.warmup=0ms",
                        "--forkpool.limits.max-samples=100000000",
                        "--logging.level.org.springframework.web=ERROR");
        static final int PORT =
                ((WebServerApplicationContext) CONTEXT).getWebServer().getPort();
        static final String BASE = "http://127.0.0.1:" + PORT;
        static final Api API = new Api(BASE);

        static {
            API.awaitReady(); // the properties test a service that is ready, as a load balancer would send to
        }

        static final HttpClient HTTP = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static final AtomicInteger SENT = new AtomicInteger();
    static final AtomicInteger ACCEPTED = new AtomicInteger();
    static final Map<Integer, AtomicInteger> STATUSES = new java.util.concurrent.ConcurrentSkipListMap<>();

    // ------------------------------------------------------------------ properties

    @Property(tries = 150, shrinking = ShrinkingMode.BOUNDED)
    void randomJsonIsNeverA5xx(@ForAll("randomJson") String body, @ForAll("waits") String query) {
        check(send("POST", "/api/v1/jobs" + query, Map.of("Content-Type", "application/json"), body, false));
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void mutatedJobsAreNeverA5xx(
            @ForAll("mutatedJobs") String body, @ForAll("waits") String query, @ForAll boolean chunked) {
        check(send("POST", "/api/v1/jobs" + query, Map.of("Content-Type", "application/json"), body, chunked));
    }

    @Property(tries = 80, shrinking = ShrinkingMode.BOUNDED)
    void randomHeadersAndContentTypesAreNeverA5xx(
            @ForAll("headers") Map<String, String> headers, @ForAll("anyBody") String body) {
        check(send("POST", "/api/v1/jobs", headers, body, false), headers);
    }

    /** Sent over a plain socket: java.net.http would refuse the worst of these request lines. */
    @Property(tries = 80, shrinking = ShrinkingMode.BOUNDED)
    void randomMethodsAndPathsAreNeverA5xx(
            @ForAll("methods") String method,
            @ForAll("paths") String path,
            @ForAll("anyBody") String body,
            @ForAll("headers") Map<String, String> headers) {
        check(sendRaw(method, path, headers, method.equals("GET") || method.equals("HEAD") ? null : body), headers);
    }

    /**
     * Found by {@link #randomMethodsAndPathsAreNeverA5xx}: TRACE is refused by Tomcat with a 405
     * that is forwarded to Boot's /error; with {@code Content-Type: ...; charset=} (empty) the
     * error controller fails decoding the path with that charset
     * (IllegalCharsetNameException in UrlPathHelper.decodeRequestString via
     * AbstractMessageConverterMethodProcessor.addContentDispositionHeader), and the answer is
     * Tomcat's HTML 500 page. Any path, /actuator/health too.
     */
    /**
     * Failed in CI from {@link #randomMethodsAndPathsAreNeverA5xx} in the test's own reader: a
     * chunked answer whose body has multi-byte characters (a problem naming a path with them) was
     * cut by chunk sizes, which count bytes, out of the decoded text. The body is now cut out of
     * the bytes; this answer must read back whole, as the problem+json it is.
     */
    @net.jqwik.api.Example
    void aChunkedAnswerWithMultiByteCharactersReadsBackWhole() {
        var answer = sendRaw("GET", "/api/v1/jobs/%C3%A9t%C3%A9-%E4%B8%AD", Map.of(), null);
        check(answer);
        assertThat(answer.status()).isEqualTo(404);
        assertThat(Api.parse(answer.body()).path("status").intValue()).isEqualTo(404);
        assertThat(answer.body()).contains("no job with id été-中");
    }

    @net.jqwik.api.Example
    void aTraceWithAnEmptyCharsetIsA4xx() {
        for (String path : List.of("/api/v1/jobs", "/api/v1/", "/actuator/health")) {
            check(sendRaw("TRACE", path, Map.of("Content-Type", "application/json; charset="), null));
        }
    }

    /**
     * Failed in CI from {@link #randomMethodsAndPathsAreNeverA5xx} with a read time-out: a HEAD
     * that declared {@code Transfer-Encoding: chunked} and sent no chunks. Tomcat answers after it
     * has read the body a request declares, so the test's own request was incomplete; it now frames
     * such bodies itself. Whatever the method, a chunked empty body is answered in time, never a 5xx.
     */
    @net.jqwik.api.Example
    void aChunkedEmptyBodyIsAnsweredForEveryMethod() {
        for (String method : List.of("HEAD", "GET", "POST", "DELETE", "OPTIONS")) {
            var answer = sendRaw(
                    method,
                    "/api/v1/wk6pu",
                    Map.of("Content-Type", "application/merge-patch+json", "Transfer-Encoding", "chunked"),
                    null);
            check(answer);
        }
    }

    /**
     * Seen once in CI from {@link #randomMethodsAndPathsAreNeverA5xx}: a raw OPTIONS with a 160 KB
     * body and an unsupported charset on an unknown path was answered and closed before the test
     * had written it all, and the test's own write failed ("broken pipe"), which it took for no
     * answer. {@link #sendRaw} now reads the answer after a failed write. The race does not
     * repeat on demand; this example keeps the case itself: a body far past the limit is a 4xx.
     */
    @net.jqwik.api.Example
    void aBodyFarPastTheLimitIsAnsweredEvenIfTheServerStopsReadingIt() {
        String body = "{\"type\":\"pi\",\"bins\":\"" + "x".repeat(1_000_000) + "\"}";
        for (String method : List.of("OPTIONS", "POST", "PUT")) {
            var answer = sendRaw(
                    method, "/api/v1/nothing/./here", Map.of("Content-Type", "application/json;charset=utf-16"), body);
            check(answer);
        }
    }

    static boolean emptyCharset(Map<String, String> headers) {
        return headers.getOrDefault("Content-Type", "")
                .replace(" ", "")
                .toLowerCase(java.util.Locale.ROOT)
                .matches(".*;charset=(;.*)?$");
    }

    /**
     * Found by {@link #randomHeadersAndContentTypesAreNeverA5xx}: a POST with a multipart content
     * type was parsed as multipart by the DispatcherServlet before any handler was chosen, and the
     * MultipartException a JSON body causes ended in ProblemAdvice's catch-all as a 500. Kept as
     * an example so it stays fixed.
     */
    @net.jqwik.api.Example
    void aMultipartContentTypeIsA4xx() {
        for (String type : List.of("multipart/form-data", "multipart/form-data; boundary=xyz", "multipart/mixed")) {
            check(send("POST", "/api/v1/jobs", Map.of("Content-Type", type), "{\"type\":\"pi\",\"samples\":1}", false));
        }
    }

    /** After each property: healthy, ready, and a valid job still runs to the right end. */
    @AfterProperty
    void serviceIsHealthyAndRunsAJob() {
        var api = Service.API;
        var readiness = api.get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
        JsonNode job = api.runToSuccess("{\"type\":\"pi\",\"samples\":1000000,\"seed\":7}");
        assertThat(job.path("result").path("samples").longValue()).isEqualTo(1_000_000L);
        JsonNode workers = Api.parse(api.get("/api/v1/workers").body());
        assertThat(workers.size()).isEqualTo(1);
        assertThat(workers.get(0).path("restarts").intValue())
                .as("no worker died of bad input")
                .isZero();
        System.out.printf(
                "BAD INPUT: %d requests so far, %d jobs accepted (and cancelled); statuses %s%n",
                SENT.get(), ACCEPTED.get(), STATUSES);
    }

    @AfterContainer
    static void stopService() {
        cancelLiveJobs();
        Service.CONTEXT.close();
    }

    // ------------------------------------------------------------------ one request and its checks

    record Answer(String what, int status, String contentType, String body, Duration took, String location) {}

    static Answer send(String method, String path, Map<String, String> headers, String body, boolean chunked) {
        HttpRequest.BodyPublisher publisher;
        if (body == null) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else if (chunked) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
        } else {
            publisher = HttpRequest.BodyPublishers.ofString(body);
        }
        var builder = HttpRequest.newBuilder(URI.create(Service.BASE + path))
                .timeout(BOUND.plusSeconds(5))
                .method(method, publisher);
        headers.forEach(builder::header);
        String what = method + " " + path + " " + headers + " body=" + abbreviate(body);
        long t0 = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = Service.HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("no answer to " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        SENT.incrementAndGet();
        STATUSES.computeIfAbsent(response.statusCode(), s -> new AtomicInteger())
                .incrementAndGet();
        return new Answer(
                what,
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.body(),
                took,
                response.headers().firstValue("Location").orElse(null));
    }

    /** As {@link #check(Answer)}, but a request with a transfer coding other than chunked may get 501. */
    static void check(Answer answer, Map<String, String> requestHeaders) {
        String coding =
                requestHeaders.getOrDefault("Transfer-Encoding", "chunked").strip();
        if (answer.status() == 501 && !coding.equalsIgnoreCase("chunked")) {
            return; // RFC 9112, 6.1: a transfer coding the server does not understand is answered 501 (Tomcat does)
        }
        check(answer);
    }

    static void check(Answer answer) {
        String what = answer.what() + " -> " + answer.status() + " " + abbreviate(answer.body());
        if (answer.status() == 202 || answer.status() == 200 && answer.location() != null) {
            ACCEPTED.incrementAndGet();
            assertThat(answer.location()).as("Location of " + what).startsWith("/api/v1/jobs/");
            // a job that happened to be valid: cancel it (it may also have ended already)
            var cancel = Service.API.delete(answer.location());
            assertThat(cancel.statusCode()).as("cancel %s", answer.location()).isEqualTo(200);
        }
        assertThat(answer.status()).as(what).isBetween(200, 499);
        assertThat(answer.took()).as("time to answer " + what).isLessThan(BOUND);
        if (answer.status() >= 400 && answer.body() != null && !answer.body().isEmpty()) {
            assertThat(answer.body())
                    .as("nothing internal in " + what)
                    .doesNotContain(
                            "Exception",
                            "io.forkpool",
                            "org.springframework",
                            "org.apache",
                            "tools.jackson",
                            "com.fasterxml",
                            "jakarta.",
                            "java.lang",
                            "\tat ",
                            "\"trace\"");
            if (answer.contentType().startsWith("application/problem+json")) {
                JsonNode problem = Api.parse(answer.body());
                assertThat(problem.path("status").intValue()).as(what).isEqualTo(answer.status());
            }
        }
    }

    /** One HTTP/1.1 request written byte for byte, answered on a closed connection. */
    static Answer sendRaw(String method, String target, Map<String, String> headers, String body) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        var head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:")
                .append(Service.PORT)
                .append("\r\nConnection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (declaresChunked(headers)) {
            // The request says its body is chunked (RFC 9112, 6.3: that decides its length), so
            // the test frames it so, an empty body too: a body it declared and never sent would
            // be waited for by any server until its connection timeout.
            bytes = chunk(bytes);
        } else if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        head.append("\r\n");
        String what = "raw " + method + " " + abbreviate(target) + " " + headers + " body=" + abbreviate(body);
        long t0 = System.nanoTime();
        byte[] answer;
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", Service.PORT), 5000);
            socket.setSoTimeout((int) BOUND.plusSeconds(5).toMillis());
            var out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(bytes);
                out.flush();
            } catch (IOException closedEarly) {
                // The server may answer before the whole body is in (413 for an oversized body)
                // and close: the write then fails, and the answer is still there to read.
            }
            answer = socket.getInputStream().readAllBytes();
        } catch (IOException e) {
            throw new AssertionError("no answer to " + what + ": " + e, e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        String text = new String(answer, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        assertThat(end)
                .as("a complete answer to " + what + ": " + abbreviate(text))
                .isPositive();
        String[] lines = text.substring(0, end).split("\r\n");
        assertThat(lines[0]).as("status line of the answer to " + what).matches("HTTP/1\\.1 \\d{3}( .*)?");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        var answerHeaders = new LinkedHashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                answerHeaders.putIfAbsent(
                        lines[i].substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        String payload = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(answerHeaders.get("transfer-encoding"))) {
            // Chunk sizes count bytes: cut the body out of the bytes, not out of the decoded text
            // (a problem that echoes a path with multi-byte characters would shift every offset).
            payload = dechunk(java.util.Arrays.copyOfRange(answer, headEnd(answer) + 4, answer.length));
        }
        SENT.incrementAndGet();
        STATUSES.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
        return new Answer(
                what,
                status,
                answerHeaders.getOrDefault("content-type", ""),
                payload,
                took,
                answerHeaders.get("location"));
    }

    /** True if the last transfer coding of the request is chunked, which frames its body. */
    static boolean declaresChunked(Map<String, String> headers) {
        return headers.entrySet().stream()
                .anyMatch(e -> e.getKey().equalsIgnoreCase("Transfer-Encoding")
                        && e.getValue()
                                .strip()
                                .toLowerCase(java.util.Locale.ROOT)
                                .matches("(.*,)?\\s*chunked"));
    }

    /** The body in one chunk (none if empty) and the last chunk. */
    static byte[] chunk(byte[] body) {
        var out = new java.io.ByteArrayOutputStream();
        if (body.length > 0) {
            out.writeBytes((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(body);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Where the head of an HTTP answer ends: the index of its blank line's CR LF CR LF. */
    static int headEnd(byte[] answer) {
        for (int i = 0; i + 3 < answer.length; i++) {
            if (answer[i] == '\r' && answer[i + 1] == '\n' && answer[i + 2] == '\r' && answer[i + 3] == '\n') {
                return i;
            }
        }
        return answer.length - 4;
    }

    /** A chunked body's bytes joined (RFC 9112, 7.1), decoded as UTF-8. */
    static String dechunk(byte[] chunked) {
        var out = new java.io.ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int eol = at;
            while (eol + 1 < chunked.length && !(chunked[eol] == '\r' && chunked[eol + 1] == '\n')) {
                eol++;
            }
            if (eol + 1 >= chunked.length) {
                break;
            }
            String size = new String(chunked, at, eol - at, StandardCharsets.US_ASCII);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            if (n == 0) {
                break;
            }
            int from = eol + 2;
            int to = Math.min(chunked.length, from + n);
            out.write(chunked, from, to - from);
            at = to + 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static void cancelLiveJobs() {
        for (int page = 0; page < 50; page++) {
            JsonNode jobs = Api.parse(
                    Service.API.get("/api/v1/jobs?size=100&page=" + page).body());
            for (JsonNode job : jobs.path("content")) {
                if (List.of("QUEUED", "RUNNING").contains(job.path("status").asString())) {
                    Service.API.delete("/api/v1/jobs/" + job.path("id").asString());
                }
            }
            if (page + 1 >= jobs.path("totalPages").intValue()) {
                return;
            }
        }
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "(none)";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }

    // ------------------------------------------------------------------ generators

    static final List<String> FIELDS = List.of(
            "type",
            "samples",
            "seed",
            "rolls",
            "faces",
            "bins",
            "angleMinDeg",
            "angleMaxDeg",
            "speedMin",
            "speedMax",
            "gravity",
            "x",
            "terms",
            "factor",
            "low",
            "high",
            "timeoutSeconds");
    static final List<String> TYPES = List.of("pi", "projectile", "dice", "sine", "smallest-multiple");

    /** JSON values no field expects: wrong types, extreme and special numbers, odd strings. */
    static final List<String> WEIRD_VALUES = List.of(
            "null",
            "true",
            "false",
            "\"\"",
            "\"1000\"",
            "\"NaN\"",
            "\"Infinity\"",
            "\"-Infinity\"",
            "\"1e3\"",
            "[]",
            "[1]",
            "{}",
            "{\"a\":1}",
            "0",
            "-0",
            "-1",
            "1.5",
            "0.0",
            "-0.0",
            "1e308",
            "-1e308",
            "1e309",
            "1e400",
            "-1e400",
            "4.9e-324",
            "1e-400",
            "2.5e-5",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "123456789012345678901234567890123456789",
            "2147483647",
            "2147483648",
            "-2147483649",
            "1E2",
            "1e18",
            "9.223372036854776E18",
            "100000000",
            "100000001",
            "1.0",
            "10.0");

    @Provide
    Arbitrary<String> waits() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("")),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "?wait=1",
                                "?wait=0",
                                "?wait=-1",
                                "?wait=61",
                                "?wait=abc",
                                "?wait=",
                                "?wait=1.5",
                                "?wait=99999999999",
                                "?wait=1&wait=2",
                                "?foo=bar")));
    }

    @Provide
    Arbitrary<String> randomJson() {
        return json(3);
    }

    Arbitrary<String> json(int depth) {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.of(WEIRD_VALUES),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                jsonStrings(),
                Arbitraries.of(TYPES).map(BadInputPropertyTest::quote),
                Arbitraries.of(
                        "",
                        " ",
                        "nul",
                        "tru",
                        "NaN",
                        "Infinity",
                        "-",
                        "01",
                        "+1",
                        ".5",
                        "0x10",
                        "'pi'",
                        "\"unterminated",
                        "\"\\x\"",
                        "\"\\ud800\"",
                        "\u0000",
                        "}",
                        "]",
                        ",",
                        ":"));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> member = Combinators.combine(keys(), json(depth - 1)).as((k, v) -> quote(k) + ":" + v);
        Arbitrary<String> objects = member.list().ofMaxSize(6).map(m -> "{" + String.join(",", m) + "}");
        // objects that name a real kind get past the type check into the fields
        Arbitrary<String> typedObjects = Combinators.combine(
                        Arbitraries.of(TYPES), member.list().ofMaxSize(6))
                .as((t, m) -> {
                    var all = new ArrayList<String>();
                    all.add("\"type\":" + quote(t));
                    all.addAll(m);
                    return "{" + String.join(",", all) + "}";
                });
        Arbitrary<String> arrays = json(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        return Arbitraries.frequencyOf(
                Tuple.of(2, scalars), Tuple.of(1, arrays), Tuple.of(3, objects), Tuple.of(4, typedObjects));
    }

    Arbitrary<String> keys() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of(FIELDS)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(12)),
                Tuple.of(1, Arbitraries.of("Samples", "SAMPLES", "sampels", "@type", "type ", "__proto__", "$ref")));
    }

    Arbitrary<String> jsonStrings() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().ofMaxLength(20).map(BadInputPropertyTest::quote)),
                Tuple.of(
                        1,
                        Arbitraries.strings()
                                .all()
                                .ofMinLength(1)
                                .ofMaxLength(5)
                                .map(BadInputPropertyTest::quote)),
                Tuple.of(1, Arbitraries.integers().between(1_000, 80_000).map(n -> quote("x".repeat(n)))));
    }

    /** A valid body of one kind, then 1-3 mutations of its fields, sometimes a broken text. */
    @Provide
    Arbitrary<String> mutatedJobs() {
        Arbitrary<LinkedHashMap<String, String>> valid = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.longs().between(1, 100_000_000), seeds())
                        .as((n, seed) -> fields("pi", "samples", n, "seed", seed)),
                Combinators.combine(
                                Arbitraries.longs().between(1, 10_000_000),
                                Arbitraries.integers().between(1, 200),
                                Arbitraries.doubles().between(0, 90),
                                Arbitraries.doubles().between(0, 90),
                                Arbitraries.doubles().between(0.1, 500),
                                Arbitraries.doubles().between(0.1, 500),
                                Arbitraries.doubles().between(0.01, 100),
                                seeds())
                        .as((n, bins, a1, a2, v1, v2, g, seed) -> fields(
                                "projectile",
                                "samples",
                                n,
                                "bins",
                                bins,
                                "angleMinDeg",
                                Math.min(a1, a2),
                                "angleMaxDeg",
                                Math.max(a1, a2),
                                "speedMin",
                                Math.min(v1, v2),
                                "speedMax",
                                Math.max(v1, v2),
                                "gravity",
                                g,
                                "seed",
                                seed)),
                Combinators.combine(
                                Arbitraries.longs().between(1, 100_000_000),
                                Arbitraries.integers().between(2, 100),
                                seeds())
                        .as((n, faces, seed) -> fields("dice", "rolls", n, "faces", faces, "seed", seed)),
                Combinators.combine(
                                Arbitraries.doubles().between(-1000, 1000),
                                Arbitraries.integers().between(1, 10_000))
                        .as((x, terms) -> fields("sine", "x", x, "terms", terms)),
                Combinators.combine(
                                Arbitraries.longs().between(1, 100_000_000),
                                Arbitraries.longs().between(1, 1000),
                                Arbitraries.longs().between(1, 500),
                                Arbitraries.longs().between(501, 1000),
                                seeds())
                        .as((n, f, lo, hi, seed) -> fields(
                                "smallest-multiple", "samples", n, "factor", f, "low", lo, "high", hi, "seed", seed)));
        Arbitrary<Mutation> mutation = Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        keys(),
                        Arbitraries.oneOf(
                                Arbitraries.of(WEIRD_VALUES),
                                jsonStrings(),
                                Arbitraries.of(TYPES).map(BadInputPropertyTest::quote)))
                .as(Mutation::new);
        Arbitrary<TextMutation> text = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(new TextMutation(0, 0, ""))),
                Tuple.of(
                        2,
                        Combinators.combine(
                                        Arbitraries.integers().between(1, 4),
                                        Arbitraries.integers().between(0, 10_000),
                                        Arbitraries.strings().ofMaxLength(3))
                                .as(TextMutation::new)));
        return Combinators.combine(valid, mutation.list().ofMinSize(0).ofMaxSize(3), text)
                .as((body, mutations, textMutation) -> {
                    var fields = new LinkedHashMap<>(body);
                    var extra = new ArrayList<String>();
                    for (Mutation m : mutations) {
                        m.apply(fields, extra);
                    }
                    var members = new ArrayList<String>();
                    fields.forEach((k, v) -> members.add(quote(k) + ":" + v));
                    members.addAll(extra);
                    return textMutation.apply("{" + String.join(",", members) + "}");
                });
    }

    @Provide
    Arbitrary<String> anyBody() {
        return Arbitraries.oneOf(
                mutatedJobs(),
                randomJson(),
                Arbitraries.just(""),
                Arbitraries.just("{\"type\":\"pi\",\"samples\":1000}"),
                Arbitraries.just("type=pi&samples=1000"));
    }

    @Provide
    Arbitrary<Map<String, String>> headers() {
        Arbitrary<String> contentType = Arbitraries.of(
                "application/json",
                "application/json; charset=UTF-8",
                "application/json;charset=utf-16",
                "application/json; charset=ISO-8859-1",
                "application/json; charset=nonsense",
                "application/json; charset=",
                "application/json;;",
                "application/problem+json",
                "application/merge-patch+json",
                "application/*+json",
                "application/*",
                "text/plain",
                "text/html",
                "text/json",
                "application/xml",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz",
                "multipart/form-data",
                "multipart/mixed",
                "application/octet-stream",
                "*/*",
                "",
                "json",
                "application",
                "/",
                ";",
                "application/json; boundary=\"",
                "APPLICATION/JSON",
                "application/json; q=0",
                "application/json, text/plain");
        Arbitrary<String> accept = Arbitraries.of(
                "application/json",
                "application/problem+json",
                "text/html",
                "text/event-stream",
                "application/xml",
                "*/*",
                "image/png",
                "",
                "application/*",
                "text/*;q=0",
                "application/json;q=0",
                "garbage",
                "application/json, */*;q=0.1");
        Arbitrary<String> printable = Arbitraries.strings()
                .withCharRange('!', '~')
                .withChars(' ')
                .ofMaxLength(40)
                .map(String::strip);
        Arbitrary<String> idempotencyKey = Arbitraries.oneOf(
                printable,
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(190).ofMaxLength(260));
        Arbitrary<Map.Entry<String, String>> other = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of("Idempotency-Key"), idempotencyKey)
                        .as(Map::entry),
                Combinators.combine(
                                Arbitraries.of(
                                        "X-API-Key",
                                        "Authorization",
                                        "Content-Encoding",
                                        "Accept-Encoding",
                                        "Accept-Charset",
                                        "Accept-Language",
                                        "If-None-Match",
                                        "If-Modified-Since",
                                        "Range",
                                        "X-Forwarded-For",
                                        "X-Forwarded-Proto",
                                        "X-Forwarded-Host",
                                        "Forwarded",
                                        "Origin",
                                        "Cookie",
                                        "Transfer-Encoding",
                                        "TE",
                                        "Trailer",
                                        "Prefer",
                                        "X-HTTP-Method-Override",
                                        "Max-Forwards",
                                        "Cache-Control"),
                                Arbitraries.oneOf(
                                        printable,
                                        Arbitraries.of(
                                                "gzip",
                                                "chunked",
                                                "bytes=0-10",
                                                "deflate, br",
                                                "trailers",
                                                "PUT",
                                                "DELETE",
                                                "0",
                                                "-1",
                                                "Bearer x",
                                                "for=\"[::1]\"",
                                                "https",
                                                "evil.example",
                                                "*")))
                        .as(Map::entry));
        return Combinators.combine(
                        contentType,
                        accept,
                        other.list().ofMaxSize(4),
                        Arbitraries.integers().between(0, 3))
                .as((ct, acc, entries, omit) -> {
                    var map = new LinkedHashMap<String, String>();
                    if (omit != 0 && !ct.isEmpty()) {
                        map.put("Content-Type", ct);
                    }
                    if (omit != 1 && !acc.isEmpty()) {
                        map.put("Accept", acc);
                    }
                    for (var e : entries) {
                        if (!e.getValue().isEmpty()) {
                            map.putIfAbsent(e.getKey(), e.getValue());
                        }
                    }
                    return map;
                });
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO");
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of(
                        "jobs",
                        "workers",
                        "events",
                        "plot",
                        "",
                        ".",
                        "..",
                        "%2e%2e",
                        "%2F",
                        "%00",
                        "%ZZ",
                        "%",
                        "~",
                        ";x=1",
                        "jobs;jsessionid=1",
                        "null",
                        "undefined",
                        "-1",
                        "0",
                        "%20",
                        "%C3%A9",
                        "%E2%82%AC",
                        "%FF",
                        "a%2Fb",
                        "..;",
                        "*",
                        "{id}",
                        "0b7c1a52-0000-4000-8000-000000000000",
                        "0B7C1A52-0000-4000-8000-000000000000"),
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .withCharRange('0', '9')
                        .withChars('-', '_', '.')
                        .ofMaxLength(40),
                Arbitraries.integers().between(100, 3000).map(n -> "a".repeat(n)),
                Arbitraries.strings().ofMaxLength(10).map(BadInputPropertyTest::percentEncode),
                // raw bytes in the request line: anything but the space and line ends that frame it
                Arbitraries.strings().ofMaxLength(8).map(t -> t.replaceAll("[\\s]", "")));
        Arbitrary<String> query = Arbitraries.oneOf(
                Arbitraries.just(""),
                Arbitraries.of(
                        "?status=RUNNING",
                        "?status=nope",
                        "?type=pi",
                        "?type=PI&page=-1",
                        "?page=999999999999",
                        "?size=0",
                        "?size=101",
                        "?size=abc",
                        "?page=1&size=100",
                        "?wait=5",
                        "?wait=abc",
                        "?status=&type=",
                        "?%ZZ=1",
                        "?a=%",
                        "?size=1&size=2",
                        "?" + "q=1&".repeat(200)));
        return Combinators.combine(segment.list().ofMinSize(0).ofMaxSize(4), query)
                .as((segments, q) -> "/api/v1/" + String.join("/", segments) + q);
    }

    static Arbitrary<String> seeds() {
        return Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf), Arbitraries.just("null"));
    }

    /** One change to a job's fields. */
    record Mutation(int kind, String key, String value) {
        void apply(LinkedHashMap<String, String> fields, List<String> extra) {
            var names = new ArrayList<>(fields.keySet());
            String existing = names.get(Math.floorMod(key.hashCode(), names.size()));
            switch (kind) {
                case 0, 1 -> fields.put(existing, value); // a field of the kind gets a wrong or extreme value
                case 2 -> fields.remove(existing); // a field goes missing (perhaps type itself)
                case 3 -> fields.put(key, value); // a field of another kind, or an unknown one
                case 4 -> extra.add(quote(existing) + ":" + value); // the same field twice
                default -> fields.put("type", value); // another or no kind
            }
        }
    }

    /** Breaks the text: 1 truncates, 2 inserts, 3 deletes, 4 wraps in an array; 0 leaves it alone. */
    record TextMutation(int kind, int at, String chars) {
        String apply(String s) {
            int i = s.isEmpty() ? 0 : Math.floorMod(at, s.length());
            return switch (kind) {
                case 1 -> s.substring(0, i);
                case 2 -> s.substring(0, i) + chars + s.substring(i);
                case 3 -> s.substring(0, i) + s.substring(Math.min(s.length(), i + 1 + chars.length()));
                case 4 -> "[" + s + "]";
                default -> s;
            };
        }
    }

    static LinkedHashMap<String, String> fields(String type, Object... nameValues) {
        var map = new LinkedHashMap<String, String>();
        map.put("type", quote(type));
        for (int i = 0; i < nameValues.length; i += 2) {
            Object v = nameValues[i + 1];
            map.put((String) nameValues[i], v instanceof String s ? s : String.valueOf(v));
        }
        return map;
    }

    static String quote(String s) {
        var out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static String percentEncode(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length == 0
                ? ""
                : java.util.HexFormat.of()
                        .withUpperCase()
                        .formatHex(s.getBytes(StandardCharsets.UTF_8))
                        .replaceAll("(..)", "%$1");
    }
}
