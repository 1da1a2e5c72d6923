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

    static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
