package io.forkpool.worker;

import io.forkpool.catalog.KindSettings;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.aot.AbstractAotProcessor;

/**
 * Forks the worker JVMs as soon as the configuration is known, before the application context
 * is built, so their start and kernel warm-up (about a second of C2 compiling each) run while
 * Spring builds the rest of the service instead of after it. The pool then adopts these
 * processes, one per slot, when it fills its slots; a process is adopted only if its command
 * line is the one the pool would use, else it is killed and the pool forks its own.
 *
 * <p>Registered by {@code ForkpoolApplication.main} (not for tests that build a context
 * themselves). A process nobody adopts (the context failed, or the pool was never created) is
 * killed when the application fails or is ready; it would also exit by itself when this JVM
 * exits, as every worker does at the end of its stdin.
 */
public final class EarlyWorkers implements ApplicationListener<ApplicationEvent> {

    private static final Logger log = LoggerFactory.getLogger(EarlyWorkers.class);

    /** Forked, not yet adopted: slot to the process and the command it was started with. */
    private static final Map<Integer, Forked> FORKED = new HashMap<>();

    private record Forked(Process process, List<String> command) {}

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        switch (event) {
            case ApplicationEnvironmentPreparedEvent prepared -> {
                if (Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING)) {
                    return; // the build's Spring AOT step starts the application only to record its beans
                }
                var settings =
                        Binder.get(prepared.getEnvironment()).bindOrCreate("forkpool.workers", WorkerSettings.class);
                var kinds = Binder.get(prepared.getEnvironment()).bindOrCreate("forkpool.kinds", KindSettings.class);
                fork(new WorkerLauncher(settings, kinds.dir()), settings.size());
            }
            case ApplicationFailedEvent failed -> discard();
            case ApplicationReadyEvent ready -> discard();
            default -> {}
        }
    }

    /** Forks one worker per slot (once: a second environment, as some set-ups prepare, forks none); returns their pids. */
    static synchronized List<Long> fork(WorkerLauncher launcher, int count) {
        var pids = new java.util.ArrayList<Long>();
        if (!FORKED.isEmpty()) {
            return pids;
        }
        for (int slot = 0; slot < count; slot++) {
            var command = launcher.command(slot);
            try {
                var process = ForkThread.start(command);
                FORKED.put(slot, new Forked(process, command));
                pids.add(process.pid());
            } catch (IOException e) {
                log.warn("cannot fork worker {} early ({}); the pool will try again", slot, e.getMessage());
            }
        }
        return pids;
    }

    /**
     * The process forked early for {@code slot} with exactly {@code command}, handed over once;
     * null if there is none (or it had another command line, or has already exited).
     */
    static synchronized Process adopt(int slot, List<String> command) {
        Forked forked = FORKED.remove(slot);
        if (forked == null) {
            return null;
        }
        if (!forked.command().equals(command) || !forked.process().isAlive()) {
            forked.process().destroyForcibly();
            return null;
        }
        return forked.process();
    }

    /** Kills every process nobody adopted. */
    static synchronized void discard() {
        FORKED.values().forEach(f -> f.process().destroyForcibly());
        FORKED.clear();
    }
}
