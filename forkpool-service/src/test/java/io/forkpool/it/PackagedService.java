package io.forkpool.it;

import static org.awaitility.Awaitility.await;

import io.forkpool.web.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** What the tests and benches (io.forkpool.bench) of the packaged service share: a free port, waiting for readiness, the log's tail. */
public final class PackagedService {

    private PackagedService() {}

    public static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Waits until readiness is UP; fails with the log's tail if the service exits or takes too long. */
    public static void awaitReady(Api api, Process service, Path log, Duration within)
            throws InterruptedException, IOException {
        var last = new AtomicReference<>("no answer");
        try {
            await("readiness UP")
                    .atMost(within)
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("the service exited", () -> !service.isAlive())
                    .until(() -> {
                        try {
                            var response = api.get("/actuator/health/readiness");
                            last.set(response.statusCode() + " " + response.body());
                            return response.statusCode() == 200
                                    && Api.parse(response.body())
                                            .path("status")
                                            .asString()
                                            .equals("UP");
                        } catch (RuntimeException e) {
                            last.set(String.valueOf(e.getCause() != null ? e.getCause() : e)); // not listening yet
                            return false;
                        }
                    });
        } catch (TerminalFailureException exited) {
            throw new AssertionError("service exited with " + service.waitFor() + " before ready; log:\n" + tail(log));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "readiness not UP within " + within + " (last: " + last.get() + "); log:\n" + tail(log));
        }
    }

    /**
     * Bounded wait (30 s) for the warm spare, which the service starts once it is ready
     * ({@code forkpool.workers.spares}, default 1), seen in its gauge; returns the service's child
     * processes then: its workers and the spare.
     */
    static List<Long> awaitSpare(Api api, Process service) {
        await("a warm spare in forkpool_workers{state=spare}")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> api.get("/actuator/prometheus")
                        .body()
                        .lines()
                        .anyMatch(l -> l.startsWith("forkpool_workers{")
                                && l.contains("state=\"spare\"")
                                && l.endsWith(" 1.0")));
        return service.toHandle().children().map(ProcessHandle::pid).toList();
    }

    public static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
