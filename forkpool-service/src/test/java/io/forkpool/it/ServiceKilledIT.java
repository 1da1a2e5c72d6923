package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.web.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The packaged service SIGKILLed while its workers are busy with a huge job: it gets no chance to
 * stop them, yet no worker outlives it by more than a second or two (each watches its stdin and
 * its parent). Nor does a stopped worker, which can watch nothing: the kernel kills it.
 */
class ServiceKilledIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    private static final Duration WORKERS_GONE_WITHIN = Duration.ofSeconds(3);

    @Test
    void noWorkerOutlivesAKilledServiceByMoreThanThreeSeconds() throws Exception {
        String jarProperty = System.getProperty("forkpool.jar");
        assertThat(jarProperty)
                .as("system property forkpool.jar (set by failsafe)")
                .isNotBlank();
        Path jar = Path.of(jarProperty).toAbsolutePath();
        assertThat(jar).as("packaged jar").isRegularFile();
        String java = ProcessHandle.current().info().command().orElseThrow(); // the JDK 25 running this test
        int port = PackagedService.freePort();
        Path log = jar.getParent().resolve("service-killed-it.log");
        Files.deleteIfExists(log);

        Process service = new ProcessBuilder(
                        java,
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--server.address=127.0.0.1",
                        "--forkpool.workers.count=2")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        List<Long> workerPids = new ArrayList<>();
        try {
            var api = new Api("http://127.0.0.1:" + port);
            PackagedService.awaitReady(api, service, log, READY_WITHIN);
            for (JsonNode w : Api.parse(api.get("/api/v1/workers").body())) {
                workerPids.add(w.path("pid").longValue());
            }
            assertThat(workerPids).hasSize(2).doesNotHaveDuplicates();
            var children = PackagedService.awaitSpare(api, service);
            assertThat(children).as("the workers and the spare").hasSize(3).containsAll(workerPids);
            List<Long> spare =
                    children.stream().filter(pid -> !workerPids.contains(pid)).toList();
            for (long pid : workerPids) {
                assertThat(ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                        .as("parent of worker %d", pid)
                        .contains(service.pid());
            }

            // a huge job: both workers deep in a kernel when the service dies
            var submitted = api.post("/api/v1/jobs", "{\"type\":\"pi\",\"samples\":10000000000000}");
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
            String id = Api.parse(submitted.body()).path("id").asString();
            awaitBothBusy(api, id);
            workerPids.addAll(spare); // an idle spare must go as fast as the busy workers

            long killedAt = System.nanoTime();
            service.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop of the pool
            assertThat(service.waitFor(10, TimeUnit.SECONDS))
                    .as("service dead after SIGKILL")
                    .isTrue();
            long serviceGoneMillis = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(service.exitValue())
                    .as("exit status of a SIGKILLed process")
                    .isEqualTo(137);

            var goneMillis = new java.util.TreeMap<Long, Long>();
            try {
                await("every worker gone")
                        .atMost(Duration.ofNanos(
                                Math.max(1_000_000, killedAt + WORKERS_GONE_WITHIN.toNanos() - System.nanoTime())))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> {
                            for (long pid : workerPids) {
                                if (!goneMillis.containsKey(pid) && !running(pid)) {
                                    goneMillis.put(pid, (System.nanoTime() - killedAt) / 1_000_000);
                                }
                            }
                            return goneMillis.size() == workerPids.size();
                        });
            } catch (ConditionTimeoutException late) {
                // the assertion below names the workers still running, with the figures
            }
            var states = new java.util.TreeMap<Long, String>();
            workerPids.forEach(pid -> states.put(pid, procState(pid)));
            String figures = "service reaped " + serviceGoneMillis + " ms after SIGKILL; workers exited (ms) "
                    + goneMillis + "; /proc states now " + states;
            System.out.println("SERVICE KILLED: " + figures);
            Files.writeString(log, "\n[ServiceKilledIT] " + figures + "\n", StandardOpenOption.APPEND);
            assertThat(workerPids.stream().filter(ServiceKilledIT::running).toList())
                    .as("workers running %s after the service was SIGKILLed: %s", WORKERS_GONE_WITHIN, figures)
                    .isEmpty();
        } finally {
            if (service.isAlive()) {
                service.destroyForcibly();
                service.waitFor(10, TimeUnit.SECONDS);
            }
            for (long pid : alive(workerPids)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * Every worker and the spare stopped (SIGSTOP), then the service SIGKILLed: a stopped process
     * reads no EOF and runs no watcher, so only the kernel can end it (PR_SET_PDEATHSIG, armed by
     * each worker as it starts, on Linux).
     */
    @Test
    void aStoppedWorkerDoesNotOutliveAKilledService() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        Path jar = Path.of(System.getProperty("forkpool.jar")).toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port = PackagedService.freePort();
        Path log = jar.getParent().resolve("service-killed-stopped-it.log");
        Files.deleteIfExists(log);

        Process service = new ProcessBuilder(
                        java,
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--server.address=127.0.0.1",
                        "--forkpool.workers.count=1",
                        "--forkpool.warmup.enabled=false")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        List<Long> stopped = new ArrayList<>();
        try {
            var api = new Api("http://127.0.0.1:" + port);
            PackagedService.awaitReady(api, service, log, READY_WITHIN);
            long worker = Api.parse(api.get("/api/v1/workers").body())
                    .get(0)
                    .path("pid")
                    .longValue();
            List<Long> children = PackagedService.awaitSpare(api, service);
            assertThat(children).as("the worker and the spare").hasSize(2).contains(worker);
            for (long pid : children) {
                // the JDK starts a child through jspawnhelper, which execs it: its parent is the service
                assertThat(ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                        .as("parent of worker %d", pid)
                        .contains(service.pid());
                assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(pid))
                                .start()
                                .waitFor())
                        .isZero();
                stopped.add(pid);
            }
            await("workers stopped")
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> stopped.stream().allMatch(pid -> procState(pid).equals("T")));

            service.destroyForcibly();
            assertThat(service.waitFor(10, TimeUnit.SECONDS))
                    .as("service dead after SIGKILL")
                    .isTrue();
            try {
                await("stopped workers gone")
                        .atMost(WORKERS_GONE_WITHIN)
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> stopped.stream().noneMatch(ServiceKilledIT::running));
            } catch (ConditionTimeoutException late) {
                // the assertion below names them
            }
            var states = new java.util.TreeMap<Long, String>();
            stopped.forEach(pid -> states.put(pid, procState(pid)));
            assertThat(stopped.stream().filter(ServiceKilledIT::running).toList())
                    .as(
                            "workers running %s after the service was SIGKILLed (/proc states %s)",
                            WORKERS_GONE_WITHIN, states)
                    .isEmpty();
        } finally {
            if (service.isAlive()) {
                service.destroyForcibly();
                service.waitFor(10, TimeUnit.SECONDS);
            }
            for (long pid : alive(stopped)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL ends a stopped process too
            }
        }
    }

    private static void awaitBothBusy(Api api, String id) {
        await("both workers busy with the job")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    JsonNode workers = Api.parse(api.get("/api/v1/workers").body());
                    JsonNode job = Api.parse(api.get("/api/v1/jobs/" + id).body());
                    assertThat(workers)
                            .as("%s", workers)
                            .hasSize(2)
                            .allSatisfy(
                                    w -> assertThat(w.path("state").asString()).isEqualTo("busy"));
                    assertThat(job.path("progress").path("shardsDone").intValue())
                            .as("%s", job)
                            .isGreaterThanOrEqualTo(2);
                });
    }

    /**
     * Still running: neither gone nor a zombie. An orphaned worker that exited is a zombie until
     * init reaps it, and ProcessHandle calls a zombie alive; where init reaps lazily (some
     * sandboxes and containers reap about once a second) that would measure init, not the worker.
     */
    private static boolean running(long pid) {
        String state = procState(pid);
        return !state.equals("gone")
                && !state.equals("Z")
                && !state.equals("X")
                && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static List<Long> alive(List<Long> pids) {
        return pids.stream()
                .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .toList();
    }

    /** The kernel's state letter of a process (R, S, Z, ...), or "gone". */
    private static String procState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException | RuntimeException e) {
            return "gone";
        }
    }
}
