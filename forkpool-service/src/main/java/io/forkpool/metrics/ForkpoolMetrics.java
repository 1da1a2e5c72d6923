package io.forkpool.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * Every meter of the contract (docs/contract.md, "Metrics") in one place, so names and tags cannot
 * drift. No job id or shard index is ever a tag: that would make one time series per job.
 */
@Component
public class ForkpoolMetrics {

    private final MeterRegistry registry;

    /**
     * Meters already registered, by name and tags: {@code builder.register(registry)} on every
     * call builds the meter's id and description, sorts its tags and looks it up in the
     * registry's map under a lock on first sight; these maps make the hot path (a job or shard
     * event) one lock-free lookup.
     */
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public ForkpoolMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Starts the job meters and {@code http.server.requests} again from nothing: called once, when
     * the service's warm-up ends, so that what it sent itself before readiness is not counted.
     * Prometheus reads the drop as a counter reset, as after a restart.
     */
    public void startCountingNow() {
        awaitNoRequestInFlight(java.time.Duration.ofSeconds(2));
        // Each meter leaves the registry before its cache entry: a call that still finds the old
        // entry loses one count, and no later call can cache a meter that is gone.
        for (var entry : counters.entrySet()) {
            registry.remove(entry.getValue());
            counters.remove(entry.getKey(), entry.getValue());
        }
        for (var entry : timers.entrySet()) {
            registry.remove(entry.getValue());
            timers.remove(entry.getKey(), entry.getValue());
        }
        registry.find("http.server.requests").meters().forEach(registry::remove);
    }

    /**
     * A request's observation stops after its answer is written, so the last answered requests may
     * still be counting: wait, at most {@code within}, until none is active.
     */
    private void awaitNoRequestInFlight(java.time.Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline
                && registry.find("http.server.requests.active").longTaskTimers().stream()
                                .mapToInt(io.micrometer.core.instrument.LongTaskTimer::activeTasks)
                                .sum()
                        > 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * A job accepted for {@code tenant}: a configured tenant's name (or {@code default}), never a
     * key, so the tag stays bounded. The job meters below carry it too.
     */
    public void jobSubmitted(String type, String tenant) {
        counters.computeIfAbsent(
                        "submitted\0" + type + "\0" + tenant,
                        k -> Counter.builder("forkpool.jobs.submitted")
                                .description("Jobs accepted, by type and tenant")
                                .tag("type", type)
                                .tag("tenant", tenant)
                                .register(registry))
                .increment();
    }

    public void jobRejected(String reason) {
        counters.computeIfAbsent(
                        "rejected\0" + reason,
                        k -> Counter.builder("forkpool.jobs.rejected")
                                .description("Jobs refused before they were queued")
                                .tag("reason", reason)
                                .register(registry))
                .increment();
    }

    /** One attempt to post a job's end to its webhook: delivered, failed (retried) or gave_up. */
    public void webhookDelivery(String outcome) {
        counters.computeIfAbsent(
                        "webhook\0" + outcome,
                        k -> Counter.builder("forkpool.webhook.deliveries")
                                .description("Attempts to post a job's end to its webhook, by outcome")
                                .tag("outcome", outcome)
                                .register(registry))
                .increment();
    }

    public void jobFinished(String type, String status, String tenant, Duration duration) {
        timers.computeIfAbsent(
                        "duration\0" + type + "\0" + status + "\0" + tenant,
                        k -> timer("forkpool.jobs.duration", "Submission to end of a job")
                                .tag("type", type)
                                .tag("status", status)
                                .tag("tenant", tenant)
                                .register(registry))
                .record(duration);
    }

    public void jobQueueWait(String type, String tenant, Duration wait) {
        timers.computeIfAbsent(
                        "wait\0" + type + "\0" + tenant,
                        k -> timer("forkpool.jobs.queue.wait", "Submission to first shard dispatched")
                                .tag("type", type)
                                .tag("tenant", tenant)
                                .register(registry))
                .record(wait);
    }

    /** A shard computed for a job of {@code tenant}: the timer's sum is the tenant's worker-seconds. */
    public void shardComputed(String type, String tenant, long computeNanos, long units) {
        timers.computeIfAbsent(
                        "shard\0" + type + "\0" + tenant,
                        k -> timer("forkpool.shards.duration", "Compute time of one shard in its worker")
                                .tag("type", type)
                                .tag("tenant", tenant)
                                .register(registry))
                .record(computeNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        counters.computeIfAbsent(
                        "samples\0" + type + "\0" + tenant,
                        k -> Counter.builder("forkpool.samples")
                                .description("Work units computed (samples, rolls, terms)")
                                .tag("type", type)
                                .tag("tenant", tenant)
                                .register(registry))
                .increment(units);
    }

    public void shardRetried(String reason) {
        Counter.builder("forkpool.shards.retried")
                .description("Shards sent again after a failed try")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void workerRestarted(String reason) {
        Counter.builder("forkpool.workers.restarts")
                .description("Workers replaced, by cause")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void workerSpawned(Duration took) {
        timer("forkpool.workers.spawn", "Process start to the worker's hello")
                .register(registry)
                .record(took);
    }

    public <T> void jobsActive(T owner, ToDoubleFunction<T> active) {
        Gauge.builder("forkpool.jobs.active", owner, active)
                .description("Jobs queued or running")
                .register(registry);
    }

    /** The durable store's size on disk: its database and write-ahead log ({@code forkpool_store_bytes}). */
    public <T> void storeBytes(T owner, ToDoubleFunction<T> bytes) {
        Gauge.builder("forkpool.store.bytes", owner, bytes)
                .description("Bytes of the durable job store on disk (database and log)")
                .baseUnit("bytes")
                .register(registry);
    }

    public <T> void shardsQueued(T owner, ToDoubleFunction<T> queued) {
        Gauge.builder("forkpool.shards.queued", owner, queued)
                .description("Shards waiting for a worker")
                .register(registry);
    }

    /**
     * One gauge per worker state, tagged with the state's name in lower case; {@code count}
     * answers for each constant of {@code states} (the pool's {@code Worker.State}).
     */
    public <T, S extends Enum<S>> void workers(
            T owner, Class<S> states, java.util.function.ToIntBiFunction<T, S> count) {
        for (S state : states.getEnumConstants()) {
            Gauge.builder("forkpool.workers", owner, o -> count.applyAsInt(o, state))
                    .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Worker processes by state")
                    .register(registry);
        }
    }

    private static Timer.Builder timer(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1));
    }
}
