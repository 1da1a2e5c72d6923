package io.forkpool.it;

import io.forkpool.web.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the tests of the packaged service share: a free port, waiting for readiness, the log's tail. */
final class PackagedService {

    private PackagedService() {}

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Waits until readiness is UP; fails with the log's tail if the service exits or takes too long. */
    static void awaitReady(Api api, Process service, Path log, Duration within)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new AssertionError("service exited with " + service.exitValue() + " before ready; log:\n"
                        + tail(log));
            }
            try {
                var response = api.get("/actuator/health/readiness");
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200 && Api.parse(response.body()).path("status").asString()
                        .equals("UP")) {
                    return;
                }
            } catch (RuntimeException e) {
                last = String.valueOf(e.getCause() != null ? e.getCause() : e); // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("readiness not UP within " + within + " (last: " + last + "); log:\n" + tail(log));
    }

    /**
     * Bounded wait (30 s) for the warm spare, which the service starts once it is ready
     * ({@code forkpool.workers.spares}, default 1), seen in its gauge; returns the service's child
     * processes then: its workers and the spare.
     */
    static List<Long> awaitSpare(Api api, Process service) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!api.get("/actuator/prometheus").body().lines().anyMatch(l -> l.startsWith("forkpool_workers{")
                && l.contains("state=\"spare\"") && l.endsWith(" 1.0"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no warm spare within 30 s");
            }
            Thread.sleep(50);
        }
        return service.toHandle().children().map(ProcessHandle::pid).toList();
    }

    static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
