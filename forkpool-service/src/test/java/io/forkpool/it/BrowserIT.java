package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.web.Api;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Swagger UI and the dashboard in a real browser against the packaged jar: starts the service (2
 * workers) and a second one with API keys on (1 worker), then
 * runs {@code node --test} on the tests in {@code src/test/browser/} (playwright-core driving
 * Debian's {@code /usr/bin/chromium}) with {@code FORKPOOL_URL} pointing at it, streaming node's
 * output. Fails when node fails, or node, Chromium or the npm packages are missing: never skipped.
 * Set {@code NODE} or {@code CHROMIUM} to use other binaries.
 */
class BrowserIT {

    static final Duration READY_WITHIN = Duration.ofSeconds(120);
    static final Duration NODE_WITHIN = Duration.ofMinutes(6);
    /** The key of the second service, not a secret: it lives as long as this test. */
    static final String KEY = "browser-it-" + java.util.UUID.randomUUID();

    @Test
    void swaggerUiAndTheDashboardWorkInChromium() throws Exception {
        Path root = projectRoot();
        Path tests = root.resolve("src/test/browser");
        assertThat(tests.resolve("node_modules/playwright-core"))
                .as("playwright-core in %s: run .ci/setup (npm ci --prefix src/test/browser)", tests)
                .isDirectory();
        List<String> files;
        try (Stream<Path> listing = Files.list(tests)) {
            files = listing.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".test.mjs"))
                    .sorted()
                    .map(n -> "src/test/browser/" + n)
                    .toList();
        }
        assertThat(files).as("browser tests in %s", tests).isNotEmpty();
        node(); // fails now, naming the fix, rather than after the services started
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        assertThat(chromium)
                .as("the browser: run .ci/setup (apt-get install chromium) or set CHROMIUM")
                .isExecutable();

        Path jar = Path.of(System.getProperty("forkpool.jar", "")).toAbsolutePath();
        assertThat(jar)
                .as("packaged jar (system property forkpool.jar, set by failsafe)")
                .isRegularFile();
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port = PackagedService.freePort();
        Path log = jar.getParent().resolve("browser-it-service.log");
        Files.deleteIfExists(log);

        // the dashboard's timeline keeps 100 shard tries one by one, so its test sees a summary within seconds
        Process service = new ProcessBuilder(
                        java,
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--forkpool.workers.count=2",
                        "--forkpool.workers.warmup=0ms",
                        "--forkpool.timeline.per-job=100")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // a second service with API keys on, for the dashboard's key prompt (one worker, no spare)
        int keyedPort = PackagedService.freePort();
        Path keyedLog = jar.getParent().resolve("browser-it-keyed-service.log");
        Process keyed = new ProcessBuilder(
                        java,
                        "-jar",
                        jar.toString(),
                        "--server.port=" + keyedPort,
                        "--forkpool.workers.count=1",
                        "--forkpool.workers.spares=0",
                        "--forkpool.workers.warmup=0ms",
                        "--forkpool.security.api-keys=" + KEY)
                .redirectErrorStream(true)
                .redirectOutput(keyedLog.toFile())
                .start();
        List<ProcessHandle> workers = new ArrayList<>();
        List<ProcessHandle> keyedWorkers = new ArrayList<>();
        try {
            PackagedService.awaitReady(new Api("http://127.0.0.1:" + port), service, log, READY_WITHIN);
            PackagedService.awaitReady(new Api("http://127.0.0.1:" + keyedPort), keyed, keyedLog, READY_WITHIN);
            service.descendants().forEach(workers::add);
            keyed.descendants().forEach(keyedWorkers::add);

            // node --test with the test files named (the same files `node --test src/test/browser/`
            // finds; named, they run the same on every node version's file search)
            runNode(
                    root,
                    files,
                    Map.of(
                            "FORKPOOL_URL",
                            "http://127.0.0.1:" + port,
                            "FORKPOOL_KEYED_URL",
                            "http://127.0.0.1:" + keyedPort,
                            "FORKPOOL_KEY",
                            KEY));
        } finally {
            DashboardPrometheusIT.stop(service, workers);
            DashboardPrometheusIT.stop(keyed, keyedWorkers);
        }
    }

    /**
     * Runs {@code node --test} on {@code files} (paths from the module root) with {@code env}, streaming
     * its output; asserts it ended within {@link #NODE_WITHIN} with at least one pass and no failure.
     */
    static void runNode(Path root, List<String> files, Map<String, String> env) throws Exception {
        String node = node();
        var command = new ArrayList<>(List.of(node, "--test", "--test-reporter=tap"));
        command.addAll(files);
        var builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        long t0 = System.nanoTime();
        Process browser;
        try {
            browser = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + node + ": install Node.js 20+ (.ci/setup) or set NODE", e);
        }
        try {
            var output = new StringBuilder();
            Process running = browser;
            Thread pump = Thread.ofPlatform().daemon().start(() -> {
                try (var reader =
                        new BufferedReader(new InputStreamReader(running.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        System.out.println("[node] " + line);
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            boolean ended = browser.waitFor(NODE_WITHIN.toSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                browser.descendants().forEach(ProcessHandle::destroyForcibly);
                browser.destroyForcibly();
            }
            pump.join(5_000);
            String out;
            synchronized (output) {
                out = output.toString();
            }
            System.out.printf("node --test took %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertThat(ended)
                    .as("node --test ended within %s; output:%n%s", NODE_WITHIN, out)
                    .isTrue();
            assertThat(browser.exitValue())
                    .as("exit code of node --test; output:%n%s", out)
                    .isZero();
            // node exits 0 on no test at all: a pass must really be there
            assertThat(out)
                    .as("node's summary")
                    .containsPattern("(?m)^# pass [1-9]")
                    .containsPattern("(?m)^# fail 0$");
        } finally {
            if (browser.isAlive()) {
                browser.descendants().forEach(ProcessHandle::destroyForcibly);
                browser.destroyForcibly();
            }
        }
    }

    /** {@code NODE} (a path, or a name on the PATH), else node on the PATH; fails naming the fix. */
    private static String node() {
        String configured = System.getenv("NODE");
        String name = configured == null || configured.isBlank() ? "node" : configured;
        if (name.contains("/")) {
            assertThat(Path.of(name)).as("NODE=%s: not an executable", name).isExecutable();
            return name;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(name + " is not on the PATH: install Node.js 20+ (.ci/setup) or set NODE");
    }

    static Path projectRoot() {
        return DashboardPrometheusIT.projectRoot();
    }
}
