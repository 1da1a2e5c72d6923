package io.forkpool.webhook;

import io.forkpool.job.Job;
import io.forkpool.job.JobStore;
import io.forkpool.job.JobView;
import io.forkpool.metrics.ForkpoolMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;
import tools.jackson.databind.ObjectMapper;

/**
 * Posts a job's end to its webhook, from the replica where it ended (the store's listener hears
 * each end once, there): the job's JSON, signed, retried with exponential back-off until a 2xx or
 * until {@code max-elapsed}; every attempt goes to the {@link DeliveryLog} and the metrics. Where
 * the log is {@link DeliveryLog#shared() shared} (redis), the replica holds a lease on the delivery
 * from the end to the last attempt, and every replica takes over the deliveries whose lease ran
 * out (their replica died): the attempts go on, numbered after the log's, with the same id.
 */
@Component
class WebhookSender implements AutoCloseable {

    static final String SIGNATURE = "X-Forkpool-Signature";
    static final String DELIVERY = "X-Forkpool-Delivery";
    static final String TIMESTAMP = "X-Forkpool-Timestamp";

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final WebhookSettings settings;
    private final DeliveryLog deliveries;
    private final ObjectMapper json;
    private final ForkpoolMetrics metrics;
    private final HttpClient http;
    private final JobStore store;
    /** This sender, as the holder of the deliveries it attempts (shared logs). */
    private final String holder = UUID.randomUUID().toString();

    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("webhook-retries").factory());

    WebhookSender(
            JobStore store,
            DeliveryLog deliveries,
            WebhookSettings settings,
            ObjectMapper json,
            ForkpoolMetrics metrics) {
        this.settings = settings;
        this.deliveries = deliveries;
        this.json = json;
        this.metrics = metrics;
        this.store = store;
        // no redirects: a redirect could lead anywhere, past the allowed hosts
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        store.listen(this::changed);
        retries.execute(() -> resume(store));
        if (deliveries.shared()) {
            long every = Math.clamp(settings.initialInterval().toMillis(), 50, 1000);
            retries.scheduleWithFixedDelay(this::takeOver, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * How long a holder keeps a delivery from the others beyond its next attempt's start: the
     * attempt (connect, then answer) and a second for the log.
     */
    private Duration lease(long untilNextMillis) {
        return settings.timeout().multipliedBy(2).plusSeconds(1).plusMillis(untilNextMillis);
    }

    /** Takes over the pending deliveries whose holder stopped holding them (its replica died). */
    private void takeOver() {
        try {
            for (String id : deliveries.takeOver(holder, lease(0), 16)) {
                var job = store.find(id);
                var attempts = deliveries.attempts(id);
                boolean done = attempts.stream()
                        .anyMatch(a ->
                                a.outcome().equals("delivered") || a.outcome().equals("gave_up"));
                if (done || job.isEmpty() || job.get().notifyUrl() == null) {
                    deliveries.settle(id, holder); // done before its holder died, or the job is gone
                } else {
                    log.info("webhook: job {} taken over after {} attempt(s) elsewhere", id, attempts.size());
                    start(job.get(), attempts.size());
                }
            }
        } catch (RuntimeException e) {
            log.warn("webhook: pending deliveries not taken over: {}", e.getMessage());
        }
    }

    /** Posts again the ends a restart interrupted (and those of jobs that ended while resuming). */
    private void resume(JobStore store) {
        try {
            var ids = deliveries.undelivered(Instant.now().minus(settings.maxElapsed()));
            for (String id : ids) {
                store.find(id).ifPresent(this::changed);
            }
            if (!ids.isEmpty()) {
                log.info("webhook: {} delivery(ies) resumed after a restart", ids.size());
            }
        } catch (RuntimeException e) {
            log.warn("webhook: undelivered ends not resumed: {}", e.getMessage());
        }
    }

    private void changed(Job.Snapshot job) {
        if (job.status().isFinal() && job.notifyUrl() != null && settings.signs()) {
            retries.execute(() -> {
                // pending from now on, held here: no other replica takes it over while this one lives
                if (held(job.id(), 0, true)) {
                    start(job, attemptsSoFar(job.id())); // numbered after any attempts made before a restart
                }
            });
        }
    }

    /** Attempts the job's end now, after {@code soFar} attempts, its back-off as far along as theirs. */
    private void start(Job.Snapshot job, int soFar) {
        var backOff = new ExponentialBackOff(settings.initialInterval().toMillis(), settings.multiplier());
        backOff.setMaxInterval(settings.maxInterval().toMillis());
        backOff.setMaxElapsedTime(settings.maxElapsed().toMillis());
        var execution = backOff.start();
        for (int i = 0; i < soFar; i++) {
            execution.nextBackOff(); // one per failed attempt, as their sender did
        }
        var delivery = new Delivery(
                job.id(), deliveryId(job.id()), job.notifyUrl(), json.writeValueAsBytes(JobView.of(job)), execution);
        attempt(delivery, soFar + 1);
    }

    /** Whether this sender (still) holds the job's delivery, for the next {@code untilNextMillis} and an attempt. */
    private boolean held(String jobId, long untilNextMillis, boolean create) {
        try {
            return deliveries.hold(jobId, holder, lease(untilNextMillis), create);
        } catch (RuntimeException e) {
            // the shared log is out of reach: attempt anyway (at least once), as without one
            log.warn("webhook: delivery of job {} not held: {}", jobId, e.getMessage());
            return true;
        }
    }

    /** A job ends once: its delivery's id is the same on every attempt, after a restart too. */
    static String deliveryId(String jobId) {
        return UUID.nameUUIDFromBytes(("forkpool-end:" + jobId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private int attemptsSoFar(String jobId) {
        try {
            return deliveries.attempts(jobId).size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** One end of one job, as posted on every attempt. */
    private record Delivery(String jobId, String id, String url, byte[] body, BackOffExecution backOff) {}

    private void attempt(Delivery d, int n) {
        if (!held(d.jobId(), 0, false)) {
            return; // another replica took it over (this one stalled past its lease), or it is settled
        }
        Instant at = Instant.now();
        long started = System.nanoTime();
        Integer status = null;
        String error = null;
        try {
            String timestamp = Long.toString(at.getEpochSecond());
            var request = HttpRequest.newBuilder(URI.create(d.url()))
                    .timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "forkpool-webhook")
                    .header(DELIVERY, d.id())
                    .header(TIMESTAMP, timestamp)
                    .header(SIGNATURE, "sha256=" + sign(settings.secret(), timestamp, d.body()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
                    .build();
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 != 2) {
                error = "answered " + status;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        long next = error == null ? BackOffExecution.STOP : d.backOff().nextBackOff();
        String outcome = error == null ? "delivered" : next == BackOffExecution.STOP ? "gave_up" : "failed";
        long millis = (System.nanoTime() - started) / 1_000_000;
        try {
            deliveries.record(
                    d.jobId(), new DeliveryLog.Attempt(d.id(), n, d.url(), at, outcome, status, error, millis));
        } catch (RuntimeException e) {
            log.warn("webhook: attempt {} of job {} not recorded: {}", n, d.jobId(), e.getMessage());
        }
        metrics.webhookDelivery(outcome);
        if (outcome.equals("gave_up")) {
            log.warn("webhook: gave up on job {} after {} attempt(s): {}", d.jobId(), n, error);
        }
        if (outcome.equals("failed")) {
            if (held(d.jobId(), next, false)) {
                retries.schedule(() -> attempt(d, n + 1), next, TimeUnit.MILLISECONDS);
            }
        } else {
            try {
                deliveries.settle(d.jobId(), holder);
            } catch (RuntimeException e) {
                log.warn("webhook: delivery of job {} not settled: {}", d.jobId(), e.getMessage());
            }
        }
    }

    /** The hex HMAC-SHA256, keyed by the secret, of {@code <timestamp>.<body>}. */
    static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
