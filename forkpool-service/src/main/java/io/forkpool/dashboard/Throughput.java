package io.forkpool.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Jobs finished per second and samples computed per second over the last {@link #SECONDS} seconds,
 * for the overview's charts without a Prometheus: once a second it reads the contract's own meters
 * ({@code forkpool.jobs.duration}'s count, {@code forkpool.samples}) and keeps the increase in a ring.
 * Per replica, like the meters.
 */
@Component
class Throughput implements DisposableBean {

    static final int SECONDS = 300;

    private final MeterRegistry registry;
    private final double[] jobs = new double[SECONDS];
    private final double[] samples = new double[SECONDS];
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("dashboard-rates").factory());
    private long lastSecond = -1;
    private double lastJobs;
    private double lastSamples;

    Throughput(MeterRegistry registry) {
        this.registry = registry;
        ticker.scheduleAtFixedRate(() -> sample(Instant.now()), 0, 1, TimeUnit.SECONDS);
    }

    /** Reads the meters at {@code now}; the increase since the last reading goes to the seconds in between. */
    synchronized void sample(Instant now) {
        long second = now.getEpochSecond();
        double jobsNow = registry.find("forkpool.jobs.duration").timers().stream()
                .mapToDouble(Timer::count)
                .sum();
        double samplesNow = registry.find("forkpool.samples").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        if (jobsNow < lastJobs || samplesNow < lastSamples) {
            // The meters started again from nothing (the end of the service's warm-up, before
            // readiness): so does the history, which showed the warm-up's own traffic.
            java.util.Arrays.fill(jobs, 0);
            java.util.Arrays.fill(samples, 0);
            lastJobs = jobsNow;
            lastSamples = samplesNow;
        }
        if (lastSecond >= 0 && second > lastSecond) {
            long gap = Math.min(second - lastSecond, SECONDS);
            for (long s = second - gap + 1; s <= second; s++) {
                int i = (int) Math.floorMod(s, SECONDS);
                jobs[i] = (jobsNow - lastJobs) / (second - lastSecond);
                samples[i] = (samplesNow - lastSamples) / (second - lastSecond);
            }
        }
        if (second != lastSecond) {
            lastSecond = second;
            lastJobs = jobsNow;
            lastSamples = samplesNow;
        }
    }

    /** The last {@link #SECONDS} whole seconds, oldest first, ending with the last one sampled. */
    synchronized Rates rates() {
        var j = new double[SECONDS];
        var s = new double[SECONDS];
        long end = Math.max(lastSecond, 0);
        for (int k = 0; k < SECONDS; k++) {
            int i = (int) Math.floorMod(end - SECONDS + 1 + k, SECONDS);
            j[k] = jobs[i];
            s[k] = samples[i];
        }
        return new Rates(Instant.ofEpochSecond(end - SECONDS + 1), 1, j, s);
    }

    /**
     * Rates per second, one value per step.
     *
     * @param from the second of the first value
     */
    record Rates(Instant from, int stepSeconds, double[] jobsPerSecond, double[] samplesPerSecond) {}

    @Override
    public void destroy() {
        ticker.shutdownNow();
    }
}
