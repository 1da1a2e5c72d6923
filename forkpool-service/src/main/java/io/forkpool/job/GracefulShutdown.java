package io.forkpool.job;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * On SIGTERM, before the web server and the worker pool stop: refuse new jobs (503), give the
 * running ones {@link JobSettings#shutdownGrace()} to finish. What is left then stays RUNNING in a
 * durable store, which stops recording so the workers' stop leaves no trace, and resumes at the
 * next start; in memory it fails "interrupted by shutdown", so no accepted job is left without an
 * end. Readiness is already DOWN by then: Spring Boot refuses traffic as soon as the context
 * starts closing.
 */
@Component
class GracefulShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    private final JobAdmission admission;
    private final JobStore store;
    private final JobSettings settings;
    private volatile boolean running;

    GracefulShutdown(JobAdmission admission, JobStore store, JobSettings settings) {
        this.admission = admission;
        this.store = store;
        this.settings = settings;
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * New jobs are refused from the moment readiness goes DOWN as the context closes (this listener
     * runs before the one that records the state): a client that saw readiness DOWN is refused even
     * while lifecycle beans of a later phase than this one's {@link #stop} are still stopping.
     */
    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void readiness(AvailabilityChangeEvent<ReadinessState> event) {
        if (event.getState() == ReadinessState.REFUSING_TRAFFIC) {
            admission.stopAccepting();
        }
    }

    @Override
    public void stop() {
        admission.stopAccepting();
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        int left = store.runningHere().size();
        if (left > 0) {
            log.info("shutting down: waiting up to {} for {} running job(s)", settings.shutdownGrace(), left);
        }
        while (!store.runningHere().isEmpty() && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (store.resumesAfterRestart()) {
            int staying = store.runningHere().size();
            store.suspend();
            if (staying > 0) {
                log.info("shutting down: {} job(s) stay RUNNING in the store and resume at the next start", staying);
            }
            running = false;
            return;
        }
        int failed = 0;
        for (String id : store.endWithThisProcess()) {
            if (store.fail(id, "interrupted by shutdown")) {
                failed++;
            }
        }
        if (failed > 0) {
            log.warn("shutting down: {} job(s) failed as interrupted by shutdown", failed);
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server's graceful shutdown (DEFAULT_PHASE - 1024) and the pool. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 512;
    }
}
