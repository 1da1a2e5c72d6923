package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.web.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The packaged fat jar, started the way operators start it ({@code java -jar forkpool.jar}): it
 * must fork its workers from that same jar (Boot's nested class path), compute jobs, and leave
 * no worker process behind when it is stopped.
 */
class PackagedJarIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    @Test
    void packagedJarServesJobsWithForkedWorkersAndLeavesNoOrphans() throws Exception {
        String jarProperty = System.getProperty("forkpool.jar");
        assertThat(jarProperty)
                .as("system property forkpool.jar (set by failsafe)")
                .isNotBlank();
        Path jar = Path.of(jarProperty).toAbsolutePath();
        assertThat(jar).as("packaged jar").isRegularFile();
        // The JDK 25 running this test: the default java on PATH may be older.
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port = PackagedService.freePort();
        Path log = jar.getParent().resolve("packaged-jar-it.log");
        Files.deleteIfExists(log);

        var command = List.of(java, "-jar", jar.toString(), "--server.port=" + port, "--forkpool.workers.count=2");
        // Workers inherit the service's environment: this marks every process of this run, even a
        // worker spawned after the pids were read.
        String marker = "FORKPOOL_IT_RUN=" + UUID.randomUUID();
        // its own working folder: the default data folder ("data" under it) is new and checked below
        Path workdir = Files.createTempDirectory(jar.getParent(), "packaged-jar-it");
        var builder = new ProcessBuilder(command)
                .directory(workdir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("FORKPOOL_IT_RUN", marker.substring(marker.indexOf('=') + 1));
        builder.environment().remove("FORKPOOL_WARMUP_MAX"); // the jar's defaults, its whole warm-up too
        builder.environment().remove("FORKPOOL_STORE_DIR");
        Process service = builder.start();
        List<Long> workerPids = new ArrayList<>();
        try {
            var api = new Api(port);
            PackagedService.awaitReady(api, service, log, READY_WITHIN);

            // -- ready after its own warm-up, which left no job behind
            assertThat(Files.readString(log)).containsPattern("warm-up: [1-9][0-9]* requests in [0-9]+ ms");
            assertThat(Api.parse(api.get("/api/v1/jobs").body())
                            .path("totalElements")
                            .asLong())
                    .as("jobs listed right after readiness")
                    .isZero();

            assertThat(workdir.resolve("data").resolve("forkpool.db"))
                    .as("the durable store in the default data folder")
                    .isRegularFile();

            // -- two workers, distinct live processes: JVMs started by the service from the same jar
            JsonNode workers = Api.parse(api.get("/api/v1/workers").body());
            assertThat(workers.size()).as(workers.toString()).isEqualTo(2);
            for (JsonNode w : workers) {
                workerPids.add(w.path("pid").longValue());
            }
            assertThat(new HashSet<>(workerPids)).as("distinct worker pids").hasSize(2);
            // and the warm spare, started once the service is ready: the same checks, no orphan either
            var children = PackagedService.awaitSpare(api, service);
            assertThat(children).as("the workers and the spare").hasSize(3).containsAll(workerPids);
            workerPids.addAll(
                    children.stream().filter(pid -> !workerPids.contains(pid)).toList());
            String serviceJava = service.info().command().orElse(java);
            for (long pid : workerPids) {
                assertThat(pid).isPositive().isNotEqualTo(service.pid());
                ProcessHandle worker = ProcessHandle.of(pid)
                        .orElseThrow(() -> new AssertionError("worker " + pid + " is not a live process"));
                assertThat(worker.parent().map(ProcessHandle::pid))
                        .as("parent of worker %d", pid)
                        .contains(service.pid());
                Optional<String> commandLine = worker.info().commandLine();
                assertThat(commandLine).as("command line of worker %d", pid).isPresent();
                assertThat(commandLine.get())
                        .as("worker %d runs the service's java", pid)
                        .startsWith(serviceJava);
                assertThat(commandLine.get())
                        .as("worker %d runs from the packaged jar", pid)
                        .contains(jar.toString());
                assertThat(worker.info().command())
                        .as("worker %d executable", pid)
                        .contains(serviceJava);
            }

            // -- jobs compute in those workers
            JsonNode pi = api.runToSuccess("{\"type\":\"pi\",\"samples\":20000000,\"seed\":5}");
            JsonNode piResult = pi.path("result");
            assertThat(piResult.path("samples").longValue()).isEqualTo(20_000_000L);
            assertThat(Math.abs(piResult.path("estimate").doubleValue() - Math.PI))
                    .isLessThan(5 * piResult.path("stdError").doubleValue());
            JsonNode dice = api.runToSuccess("{\"type\":\"dice\",\"rolls\":300000,\"faces\":6}");
            long sum = 0;
            for (JsonNode count : dice.path("result").path("counts")) {
                sum += count.longValue();
            }
            assertThat(dice.path("result").path("counts").size()).isEqualTo(6);
            assertThat(sum).isEqualTo(300_000L);
            assertThat(dice.path("result").path("pValue").doubleValue()).isGreaterThan(1e-6);

            // Every kind plans, validates and finishes in the service JVM, which (unlike the workers
            // and the tests) runs without the incubating Vector API module: none may need it there.
            JsonNode projectile = api.runToSuccess("{\"type\":\"projectile\",\"samples\":1000000,\"seed\":5}");
            assertThat(projectile.path("result").path("bins").size()).isEqualTo(20);
            JsonNode dice20 = api.runToSuccess("{\"type\":\"dice\",\"rolls\":300000,\"faces\":20}");
            assertThat(dice20.path("result").path("counts").size()).isEqualTo(20);
            JsonNode sine = api.runToSuccess("{\"type\":\"sine\",\"x\":0.5,\"terms\":3}");
            assertThat(sine.path("result").path("approximation").doubleValue()).isEqualTo(0.47942708333333334);
            JsonNode multiple = api.runToSuccess("{\"type\":\"smallest-multiple\",\"samples\":100000,\"factor\":7}");
            assertThat(multiple.path("result").path("smallest").longValue()).isEqualTo(7);
            assertThat(PackagedService.tail(log)).as("service log").doesNotContain("NoClassDefFoundError");

            JsonNode after = Api.parse(api.get("/api/v1/workers").body());
            long completed = 0;
            for (JsonNode w : after) {
                completed += w.path("shardsCompleted").longValue();
                assertThat(w.path("restarts").intValue()).isZero();
                assertThat(workerPids).contains(w.path("pid").longValue());
            }
            assertThat(completed).as("shards completed by the workers").isGreaterThanOrEqualTo(2);

            // the orphan detector used below sees exactly this run's workers
            assertThat(workersOfThisRun(jar, marker).stream()
                            .map(ProcessHandle::pid)
                            .toList())
                    .containsExactlyInAnyOrderElementsOf(workerPids);

            // -- stop the service as an orchestrator does (SIGTERM): it exits, and its workers with it
            service.destroy();
            assertThat(service.waitFor(40, TimeUnit.SECONDS))
                    .as("service exited within 40 s of SIGTERM")
                    .isTrue();
            Awaitility.await("worker processes gone within 5 s of the service's exit")
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(alive(workerPids)).isEmpty());
            assertThat(workersOfThisRun(jar, marker))
                    .as("any worker JVM of this run still alive")
                    .isEmpty();
        } finally {
            if (service.isAlive()) {
                service.destroyForcibly();
                service.waitFor(10, TimeUnit.SECONDS);
            }
            for (long pid : alive(workerPids)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            workersOfThisRun(jar, marker).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static List<Long> alive(List<Long> pids) {
        return pids.stream()
                .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .toList();
    }

    /** Live worker JVMs (by command line) from this jar whose environment carries this run's marker. */
    private static List<ProcessHandle> workersOfThisRun(Path jar, String marker) {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> c.contains(jar.toString()) && c.contains("-Dforkpool.worker.id="))
                        .orElse(false))
                .filter(p -> environment(p).contains(marker))
                .toList();
    }

    private static String environment(ProcessHandle process) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "environ")),
                            java.nio.charset.StandardCharsets.UTF_8)
                    .replace('\0', '\n');
        } catch (IOException | RuntimeException e) {
            return ""; // gone, or no /proc: not provably ours
        }
    }
}
