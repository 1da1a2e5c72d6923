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
 * until {@code max-elapsed}; every attempt goes to the {@link DeliveryLog} and the metrics.
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
        // no redirects: a redirect could lead anywhere, past the allowed hosts
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        store.listen(this::changed);
        retries.execute(() -> resume(store));
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
            var backOff = new ExponentialBackOff(settings.initialInterval().toMillis(), settings.multiplier());
            backOff.setMaxInterval(settings.maxInterval().toMillis());
            backOff.setMaxElapsedTime(settings.maxElapsed().toMillis());
            var delivery = new Delivery(
                    job.id(),
                    deliveryId(job.id()),
                    job.notifyUrl(),
                    json.writeValueAsBytes(JobView.of(job)),
                    backOff.start());
            // numbered after any attempts made before a restart
            retries.execute(() -> attempt(delivery, attemptsSoFar(job.id()) + 1));
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
        } else if (outcome.equals("failed")) {
            retries.schedule(() -> attempt(d, n + 1), next, TimeUnit.MILLISECONDS);
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
