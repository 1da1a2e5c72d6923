package io.forkpool.warmup;

import io.forkpool.catalog.KindSchemas;
import io.forkpool.dispatch.Dispatcher;
import io.forkpool.job.JobStore;
import io.forkpool.kind.api.JobKind;
import io.forkpool.metrics.ForkpoolMetrics;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.KindRegistry;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

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
 * the counters start empty. Its requests carry the {@link WarmupKey}, which stands for an API key,
 * and each job says {@code "notify": null}, so that none is posted to a default webhook. With the Redis backend the warm-up sends only reads: a job there would be
 * seen, and run, by other replicas.
 *
 * <p>A warm-up that fails (a port it cannot reach, say) is logged and readiness goes UP anyway:
 * a service that is not warm serves correctly, only slower at first.
 */
@Component("warmup")
class Warmup implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final Duration QUIET_WINDOW = Duration.ofSeconds(3);
    private static final double QUIET_SHARE = 0.05;

    private final WarmupSettings settings;
    private final JobStore store;
    private final ForkpoolMetrics metrics;
    private final Dispatcher dispatcher;
    private final ObjectMapper json;
    private final KindRegistry kinds;
    private final WarmupKey key;
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
            WarmupKey key,
            @Value("${server.servlet.context-path:}") String contextPath) {
        this.kinds = kinds;
        this.key = key;
        this.contextPath = contextPath.endsWith("/") ? contextPath.substring(0, contextPath.length() - 1) : contextPath;
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
        this.dispatcher = dispatcher;
        this.json = json;
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

    private void run() {
        key.during(this::warm);
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
            try (var client = client()) {
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
    private Bodies firstUse(LoopbackClient client, boolean jobsHere) throws Exception {
        client.get("/api/v1/workers");
        client.get("/api/v1/overview");
        client.get("/api/v1/jobs?size=5");
        var examples = new ArrayList<String>();
        for (JsonNode kind : json.readTree(client.get("/api/v1/kinds"))) {
            examples.add(json.writeValueAsString(withoutNotify(kind.path("example"))));
        }
        if (!jobsHere) {
            return new Bodies(List.of(), List.of());
        }
        var small = new ArrayList<String>();
        var firstUseBodies = new ArrayList<String>();
        for (var installed : kinds.all()) {
            var kind = installed.kind();
            String text = json.writeValueAsString(withoutNotify(json.valueToTree(KindSchemas.warmup(kind))));
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

    /** A body that asks for no webhook, whatever the default: the service's own jobs post nothing. */
    private static JsonNode withoutNotify(JsonNode body) {
        if (body instanceof ObjectNode fields) {
            var copy = fields.deepCopy();
            copy.putNull("notify");
            return copy;
        }
        return body;
    }

    private LoopbackClient client() throws java.io.IOException {
        return new LoopbackClient(port, contextPath, key.token(), requests, jobs);
    }

    /** Each kind's example (fanned out over the workers) and its warm-up request (one shard). */
    private record Bodies(List<String> examples, List<String> small) {}

    /** Whether the kind's warm-up request is a job of one shard (a tiny one, as the load wants). */
    private static boolean oneShard(JobKind<?, ?, ?> kind) {
        try {
            return JobRequest.of(kind, kind.warmup(), 1L).shardCount() == 1;
        } catch (RuntimeException e) { // a request the kind itself cannot lay out: not for the load
            return false;
        }
    }

    /**
     * The warm-up requests from several clients, and the examples from one of them (so that the
     * path of a job cut into many shards is compiled too), until the JIT is quiet, or for at most
     * {@code max}.
     */
    private void load(Bodies bodies) throws Exception {
        var stop = new AtomicBoolean();
        var failure = new AtomicReference<Exception>();
        long deadline = System.nanoTime() + settings.max().toNanos();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < settings.clients(); c++) {
                int first = c;
                var sent = c == 0 && settings.clients() > 1 ? bodies.examples() : bodies.small();
                clients.execute(() -> {
                    try (var client = client()) {
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
}
