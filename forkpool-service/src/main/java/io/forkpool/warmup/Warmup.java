package io.forkpool.job;

import io.forkpool.dispatch.Dispatcher;
import io.forkpool.kind.api.JobKind;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.KindRegistry;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Ready means warm: once the worker pool is ready, and before readiness says UP, the service
 * sends itself traffic on loopback, through its own HTTP stack, filters, controllers, store,
 * dispatcher and workers. A user's first job then does not pay for the job path's first use
 * (classes loaded and linked, lambda forms spun, per-class metadata of the validator and of
 * Jackson), nor the request path's first compiles.
 *
 * <p>Two phases: every installed kind's example and its {@link JobKind#warmup() warm-up request}
 * (submitted with {@code ?wait}, read back, listed, plotted), twice; then the kinds' warm-up
 * requests in turn from {@link WarmupSettings#clients()} loopback clients, until the JIT has gone
 * quiet (its compile time grew by less than 5% of the last 3 s: 3 s, not 1, because HotSpot adds a
 * compile's time when it ends, and one C2 compile can take a second) or {@link WarmupSettings#max()}
 * has passed. The warm-up's requests take the same path as a user's, meters included, so that path is
 * what gets compiled; when it ends, its jobs are forgotten and the job and HTTP meters start from
 * zero ({@link ForkpoolMetrics#startCountingNow()}), before readiness turns UP: the job list and
 * the counters start empty. Its requests carry {@link #HEADER} with a secret made at start, which
 * stands for an API key. With the Redis backend the warm-up sends only reads: a job there would be
 * seen, and run, by other replicas.
 *
 * <p>A warm-up that fails (a port it cannot reach, say) is logged and readiness goes UP anyway:
 * a service that is not warm serves correctly, only slower at first.
 */
@Component("warmup")
public class Warmup implements HealthIndicator {

    /** The header that marks the service's own warm-up requests; its value is this process's secret. */
    public static final String HEADER = "X-Forkpool-Warmup";

    private static final String TOKEN = secret();

    /** Warm-ups running in this process: the header stands for an API key only while one runs. */
    private static final java.util.concurrent.atomic.AtomicInteger WARMING =
            new java.util.concurrent.atomic.AtomicInteger();

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final Duration QUIET_WINDOW = Duration.ofSeconds(3);
    private static final double QUIET_SHARE = 0.05;

    private final WarmupSettings settings;
    private final JobStore store;
    private final ForkpoolMetrics metrics;
    private final Dispatcher dispatcher;
    private final ObjectMapper json;
    private final KindRegistry kinds;
    private final String contextPath;
    private final Set<String> jobs = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong loadRequests = new AtomicLong();
    private volatile Health health =
            Health.down().withDetail("phase", "waiting for the worker pool").build();
    private volatile int port = -1;
    private volatile boolean closed;
    private volatile Thread thread;

    Warmup(
            WarmupSettings settings,
            JobStore store,
            ForkpoolMetrics metrics,
            Dispatcher dispatcher,
            ObjectMapper json,
            KindRegistry kinds,
            @org.springframework.beans.factory.annotation.Value("${server.servlet.context-path:}") String contextPath) {
        this.kinds = kinds;
        this.contextPath = contextPath.endsWith("/") ? contextPath.substring(0, contextPath.length() - 1) : contextPath;
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
        this.dispatcher = dispatcher;
        this.json = json;
    }

    /** Whether a request's {@link #HEADER} value is this process's own, while its warm-up runs. */
    public static boolean isOwn(String header) {
        return header != null
                && WARMING.get() > 0
                && MessageDigest.isEqual(
                        header.getBytes(StandardCharsets.UTF_8), TOKEN.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Health health() {
        return health;
    }

    @EventListener
    void serving(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) { // not the management server's
            port = event.getWebServer().getPort();
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (!settings.enabled()) {
            health = Health.up()
                    .withDetail("phase", "off (forkpool.warmup.enabled=false)")
                    .build();
            return;
        }
        thread = Thread.ofPlatform().daemon().name("warmup").start(this::run);
    }

    @jakarta.annotation.PreDestroy
    void close() {
        closed = true;
        var running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    /** The secret, for the tests that show it stops working once the warm-up has ended. */
    static String token() {
        return TOKEN;
    }

    private void run() {
        WARMING.incrementAndGet();
        try {
            warm();
        } finally {
            WARMING.decrementAndGet();
        }
    }

    private void warm() {
        long start = System.nanoTime();
        long jitStart = compileMillis();
        try {
            while (!dispatcher.isReady()) {
                if (closed) {
                    return;
                }
                Thread.sleep(20);
            }
            health = Health.down().withDetail("phase", "first use").build();
            boolean jobsHere = !store.shared();
            try (var client = new Client(port)) {
                Bodies bodies = firstUse(client, jobsHere);
                if (jobsHere && !settings.max().isZero() && !bodies.small().isEmpty()) {
                    health = Health.down().withDetail("phase", "load").build();
                    load(bodies);
                }
            }
            forget();
            long took = (System.nanoTime() - start) / 1_000_000;
            long jit = compileMillis() - jitStart;
            health = Health.up()
                    .withDetail("phase", "done")
                    .withDetail("tookMillis", took)
                    .withDetail("requests", requests.get())
                    .withDetail("loadRequests", loadRequests.get())
                    .withDetail("jitMillis", jit)
                    .build();
            log.info("warm-up: {} requests in {} ms (JIT {} ms); ready", requests.get(), took, jit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            forget();
            log.warn("warm-up failed, ready without it: {}", e.toString());
            health = Health.up()
                    .withDetail("phase", "failed")
                    .withDetail("problem", e.getClass().getSimpleName())
                    .build();
        }
    }

    /** Each kind's example and warm-up request through the whole path, twice; returns the warm-up requests. */
    private Bodies firstUse(Client client, boolean jobsHere) throws Exception {
        client.get("/api/v1/workers");
        client.get("/api/v1/overview");
        client.get("/api/v1/jobs?size=5");
        var examples = new ArrayList<String>();
        for (JsonNode kind : json.readTree(client.get("/api/v1/kinds"))) {
            examples.add(json.writeValueAsString(kind.path("example")));
        }
        if (!jobsHere) {
            return new Bodies(List.of(), List.of());
        }
        var small = new ArrayList<String>();
        var firstUseBodies = new ArrayList<String>();
        for (var installed : kinds.all()) {
            var kind = installed.kind();
            String text = json.writeValueAsString(io.forkpool.catalog.KindSchemas.warmup(kind));
            firstUseBodies.add(text);
            if (oneShard(kind)) { // a plugin's default, its example, may be many shards of a second: first use only
                small.add(text);
            }
        }
        for (int round = 0; round < 2; round++) {
            for (var body : examples) {
                String id = client.submit(body);
                client.get("/api/v1/jobs/" + id);
                client.get("/api/v1/jobs/" + id + "/plot.svg");
            }
            for (var body : firstUseBodies) {
                client.get("/api/v1/jobs/" + client.submit(body));
            }
            client.get("/api/v1/jobs?size=5");
            client.get("/api/v1/overview");
        }
        return new Bodies(examples, small);
    }

    /** Each kind's example (fanned out over the workers) and its warm-up request (one shard). */
    private record Bodies(List<String> examples, List<String> small) {}

    /** Whether the kind's warm-up request is a job of one shard (a tiny one, as the load wants). */
    private static boolean oneShard(JobKind<?, ?, ?> kind) {
        try {
            return io.forkpool.plugin.JobRequest.of(kind, kind.warmup(), 1L).shardCount() == 1;
        } catch (RuntimeException e) { // a request the kind itself cannot lay out: not for the load
            return false;
        }
    }

    /** One answer of the loopback client. */
    private record Answer(String request, String status, String location, String body) {

        /** This answer if it is a 200; a warm-up request answered otherwise ends the warm-up. */
        Answer ok() {
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException(request + " answered " + status);
            }
            return this;
        }
    }

    /**
     * The warm-up requests from several clients, and the examples from one of them (so that the
     * path of a job cut into many shards is compiled too), until the JIT is quiet, or for at most
     * {@code max}.
     */
    private void load(Bodies bodies) throws Exception {
        var stop = new AtomicBoolean();
        var failure = new java.util.concurrent.atomic.AtomicReference<Exception>();
        long deadline = System.nanoTime() + settings.max().toNanos();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < settings.clients(); c++) {
                int first = c;
                var sent = c == 0 && settings.clients() > 1 ? bodies.examples() : bodies.small();
                clients.execute(() -> {
                    try (var client = new Client(port)) {
                        for (int n = first; !stop.get(); n++) {
                            client.submit(sent.get(n % sent.size()));
                            loadRequests.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                        stop.set(true);
                    }
                });
            }
            var window = new ArrayDeque<long[]>(); // {nanoTime, compile millis, requests}, the last QUIET_WINDOW
            long began = System.nanoTime();
            try {
                watch(stop, deadline, window, began);
            } finally {
                stop.set(true); // also when interrupted: the clients end before the executor's close waits for them
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Until the JIT is quiet, the deadline, a client's failure or the service's close. */
    private void watch(AtomicBoolean stop, long deadline, ArrayDeque<long[]> window, long began)
            throws InterruptedException {
        while (!stop.get() && !closed && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = System.nanoTime();
            window.addLast(new long[] {now, compileMillis(), requests.get()});
            while (now - window.peekFirst()[0] > QUIET_WINDOW.toNanos()) {
                window.removeFirst();
            }
            long[] first = window.peekFirst();
            long span = now - first[0];
            if (span >= QUIET_WINDOW.toNanos() - 100_000_000L) {
                double share = (window.peekLast()[1] - first[1]) * 1e6 / span;
                log.debug(
                        "warm-up at {} ms: {} requests/s, JIT busy {}% of the last {}",
                        (now - began) / 1_000_000,
                        Math.round((window.peekLast()[2] - first[2]) * 1e9 / span),
                        Math.round(share * 100),
                        QUIET_WINDOW);
                if (share < QUIET_SHARE) {
                    return;
                }
            }
        }
    }

    /**
     * Removes the warm-up's jobs from the store (cancelling any not ended, after a failure) and its
     * counts from the meters. With Redis there are none of its jobs, and the meters count other
     * replicas' shards this one already computed: they are kept.
     */
    private void forget() {
        if (!store.shared()) {
            store.forget(jobs);
            metrics.startCountingNow();
        }
        jobs.clear();
    }

    private static long compileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static String secret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The warm-up's side of the loopback: one kept-alive HTTP/1.1 connection, every request marked
     * with {@link #HEADER}, every answer's status checked. Written on a socket, not with
     * {@code java.net.http.HttpClient}, whose own first use and compiles would take the CPU and the
     * JIT the warm-up is for.
     */
    private final class Client implements AutoCloseable {
        private final int port;
        private java.net.Socket socket;
        private java.io.OutputStream out;
        private java.io.BufferedInputStream in;

        Client(int port) throws java.io.IOException {
            this.port = port;
            connect();
        }

        /** A new connection: Tomcat closes a kept-alive one after 100 requests (maxKeepAliveRequests). */
        private void connect() throws java.io.IOException {
            socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(70_000);
            out = socket.getOutputStream();
            in = new java.io.BufferedInputStream(socket.getInputStream());
        }

        String get(String path) throws java.io.IOException {
            return send(head("GET", path, ""), null).ok().body();
        }

        /** Submits a job and waits for it; returns its id, kept to be forgotten. */
        String submit(String body) throws java.io.IOException {
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
            return method + " " + contextPath + path + " HTTP/1.1\r\nHost: localhost\r\n" + HEADER + ": " + TOKEN
                    + "\r\n" + headers + "\r\n";
        }

        private Answer send(String head, byte[] body) throws java.io.IOException {
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
                    throw new java.io.IOException("not an HTTP header: " + header);
                }
                String name = header.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    case "location" -> location = value;
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> {}
                }
            }
            var answer = new java.io.ByteArrayOutputStream();
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

        private byte[] exactly(int n) throws java.io.IOException {
            byte[] bytes = in.readNBytes(n);
            if (bytes.length < n) {
                throw new java.io.EOFException("the service closed the connection in a body");
            }
            return bytes;
        }

        private String line() throws java.io.IOException {
            var line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException("the service closed the connection");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }
}
