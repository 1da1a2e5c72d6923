package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
import io.forkpool.web.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The container image's form, built here without Docker: the jar extracted as the Dockerfile does,
 * the AOT caches trained by the same {@code docker/aot-train.sh}, the service started as the
 * image's entry point starts it (the Dockerfile's ENTRYPOINT: AOT cache, Spring AOT mode) and the
 * workers given their cache as the image gives it. An image
 * once broke exactly here (the workers' JVM printed a cache error on stdout, their frame channel):
 * the workers must map their cache, say hello and compute every vector kind right.
 */
class ImageLayoutIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    @Test
    void theImagesLayoutWithItsAotCachesRunsWarmWorkersThatComputeEveryVectorKind(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("forkpool.jar")).toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElseThrow();
        run(
                List.of(
                        java,
                        "-Djarmode=tools",
                        "-jar",
                        jar.toString(),
                        "extract",
                        "--destination",
                        dir.toString(),
                        "--application-filename",
                        "app.jar"),
                Map.of());
        run(
                List.of(io.forkpool.ops.ProjectFiles.file("docker/aot-train.sh").toString(), dir.toString()),
                Map.of("JAVA", java));
        assertThat(dir.resolve("forkpool.aot")).isNotEmptyFile();
        assertThat(dir.resolve("worker.aot")).isNotEmptyFile();

        int port = PackagedService.freePort();
        Path log = dir.resolve("service.log");
        var command = new ArrayList<>(entryPoint(dir));
        command.set(0, java);
        command.add(1, "-Xlog:aot=info");
        command.addAll(List.of("--server.port=" + port, "--forkpool.workers.count=2"));
        var builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // As the image's ENV does; -Xlog:aot=info makes each worker say (on its stderr, which the
        // service logs) which cache it opened.
        builder.environment()
                .put(
                        "FORKPOOL_WORKERS_JVMOPTIONS",
                        "-XX:AOTCache=" + dir.resolve("worker.aot") + ",-Xlog:aot=info:stderr");
        Process service = builder.start();
        try {
            var api = new Api(port);
            PackagedService.awaitReady(api, service, log, READY_WITHIN);
            for (String body : List.of(
                    "{\"type\":\"pi\",\"samples\":30000000,\"seed\":3}",
                    "{\"type\":\"dice\",\"rolls\":30000000,\"faces\":6,\"seed\":4}",
                    "{\"type\":\"dice\",\"rolls\":3000000,\"faces\":20,\"seed\":5}",
                    "{\"type\":\"projectile\",\"samples\":3000000,\"seed\":6}")) {
                JsonNode job = api.runToSuccess(body);
                // Through JSON text both ways, so that numbers get the same node types.
                assertThat(job.path("result"))
                        .as(body)
                        .isEqualTo(Api.parse(Api.JSON.writeValueAsString(computedHere(body))));
            }
            String text = Files.readString(log);
            assertThat(text)
                    .as("the service mapped its cache")
                    .contains("Opened AOT cache " + dir.resolve("forkpool.aot"));
            assertThat(text)
                    .as("the service ran the bean definitions generated at build time")
                    .contains("Starting AOT-processed ForkpoolApplication");
            for (int worker = 0; worker < 2; worker++) {
                assertThat(text)
                        .as("worker %d mapped its cache", worker)
                        .containsPattern(
                                "\\[worker-" + worker + " pid \\d+\\] .*Opened AOT cache " + dir.resolve("worker.aot"));
            }
            assertThat(text)
                    .doesNotContain("[error][aot]")
                    .doesNotContain("garbage from worker")
                    .doesNotContain("died before hello");
        } finally {
            service.destroy();
            if (!service.waitFor(20, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    /** The Dockerfile's ENTRYPOINT (its exec form), with the image's /app paths made {@code dir}'s. */
    private static List<String> entryPoint(Path dir) throws Exception {
        var line = Files.readAllLines(io.forkpool.ops.ProjectFiles.file("Dockerfile")).stream()
                .filter(l -> l.startsWith("ENTRYPOINT "))
                .reduce((first, last) -> last)
                .orElseThrow();
        var words = new ArrayList<String>();
        for (JsonNode word : Api.parse(line.substring("ENTRYPOINT ".length()))) {
            words.add(word.asString().replace("/app/", dir + "/"));
        }
        assertThat(words).as(line).startsWith("java").contains("-jar", "app.jar");
        return words;
    }

    /** The job's result computed shard by shard in this JVM, from the same request. */
    private static Object computedHere(String body) {
        JobRequest request = TestJobs.binder()
                .bind((tools.jackson.databind.node.ObjectNode) Api.JSON.readTree(body))
                .withSeed(0);
        return request.finish(TestJobs.reference(request));
    }

    private static void run(List<String> command, Map<String, String> env) throws Exception {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("%s said:%n%s", command, output).isZero();
    }
}
