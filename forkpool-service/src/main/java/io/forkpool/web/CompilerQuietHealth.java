package io.forkpool.web;

import io.forkpool.dispatch.Dispatcher;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Part of readiness: after the worker pool is ready, the service waits until its own JIT compiler has
 * gone quiet once (at most {@code forkpool.readiness.quiet-max}). Right after start the service's C2
 * still works through what the start made hot; a first large job then shares the cores with it
 * (docs/benchmarks.md, "Warm means warm": 0.4–0.7 s of the service's C2 during the first pi 4·10^9
 * job on 2 cores). Once UP it stays UP: later compiles do not take readiness away.
 */
@Component("compiler")
class CompilerQuietHealth implements HealthIndicator, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CompilerQuietHealth.class);
    private static final Duration EVERY = Duration.ofMillis(50);

    private final CompilerQuiet quiet;
    private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    private final Thread sampler;
    private volatile boolean up;
    private volatile long compileMillisAtUp = -1;

    CompilerQuietHealth(Dispatcher dispatcher, ReadinessSettings settings) {
        this.quiet = new CompilerQuiet(settings);
        boolean measurable = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        this.up = quiet.quiet() || !measurable;
        this.sampler = Thread.ofPlatform().daemon().name("readiness-compiler").unstarted(() -> sample(dispatcher));
        if (!up) {
            sampler.start();
        }
    }

    private void sample(Dispatcher dispatcher) {
        long start = System.nanoTime();
        try {
            while (!up) {
                long compileMillis = compiler.getTotalCompilationTime();
                if (quiet.offer(System.nanoTime(), compileMillis, dispatcher.isReady())) {
                    compileMillisAtUp = compileMillis;
                    up = true;
                    log.info(
                            "Compiler {} {} ms after start ({} ms compiling so far): ready",
                            quiet.capped() ? "still busy, but waited long enough" : "quiet",
                            Duration.ofNanos(System.nanoTime() - start).toMillis(),
                            compileMillis);
                }
                Thread.sleep(EVERY); // a sampling period, not a wait for a state
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Health health() {
        if (up) {
            var health = Health.up();
            return compileMillisAtUp < 0
                    ? health.build()
                    : health.withDetail("compileMillisAtReady", compileMillisAtUp)
                            .withDetail("capped", quiet.capped())
                            .build();
        }
        return Health.outOfService().withDetail("compiling", true).build();
    }

    @Override
    public void destroy() {
        sampler.interrupt();
    }
}
