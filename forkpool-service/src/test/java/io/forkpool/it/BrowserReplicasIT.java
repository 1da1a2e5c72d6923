package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.redis.TestRedis;
import io.forkpool.web.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboard of the redis backend in a real browser: two replicas of the packaged jar (in Spring
 * AOT mode, as the image runs it; 2 workers each, no spare) on one real Redis, then
 * {@code src/test/browser/replicas/dashboard-replicas.test.mjs} in Chromium against the first: its
 * Workers panel shows the workers of both replicas, and a job computed by both has a timeline row per
 * worker process per replica. Fails, never skips, when node, Chromium, the npm packages or Redis are
 * missing (see BrowserIT and TestRedis).
 */
class BrowserReplicasIT {

    @Test
    void theDashboardOfOneReplicaShowsTheWorkersAndTimelineRowsOfBoth() throws Exception {
        Path root = BrowserIT.projectRoot();
        assertThat(root.resolve("src/test/browser/node_modules/playwright-core"))
                .as("playwright-core: run .ci/setup (npm ci --prefix src/test/browser)")
                .isDirectory();
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        assertThat(chromium)
                .as("the browser: run .ci/setup (apt-get install chromium) or set CHROMIUM")
                .isExecutable();
        Path jar = Path.of(System.getProperty("forkpool.jar", "")).toAbsolutePath();
        assertThat(jar)
                .as("packaged jar (system property forkpool.jar, set by failsafe)")
                .isRegularFile();
        String java = ProcessHandle.current().info().command().orElseThrow();

        try (TestRedis redis = TestRedis.start()) {
            var replicas = new ArrayList<Process>();
            var workers = new ArrayList<List<ProcessHandle>>();
            var urls = new ArrayList<String>();
            try {
                for (int r = 1; r <= 2; r++) {
                    int port = PackagedService.freePort();
                    Path log = jar.getParent().resolve("browser-replica-" + r + ".log");
                    Files.deleteIfExists(log);
                    replicas.add(new ProcessBuilder(
                                    java,
                                    "-Dspring.aot.enabled=true",
                                    "-jar",
                                    jar.toString(),
                                    "--server.port=" + port,
                                    "--forkpool.backend=redis",
                                    "--spring.data.redis.host=" + redis.host(),
                                    "--spring.data.redis.port=" + redis.port(),
                                    "--forkpool.workers.count=2",
                                    "--forkpool.workers.spares=0",
                                    "--forkpool.shards.timeout=60s")
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start());
                    urls.add("http://127.0.0.1:" + port);
                }
                for (int r = 0; r < 2; r++) {
                    Path log = jar.getParent().resolve("browser-replica-" + (r + 1) + ".log");
                    PackagedService.awaitReady(new Api(urls.get(r)), replicas.get(r), log, BrowserIT.READY_WITHIN);
                    workers.add(replicas.get(r).descendants().toList());
                }
                BrowserIT.runNode(
                        root,
                        List.of("src/test/browser/replicas/dashboard-replicas.test.mjs"),
                        Map.of("FORKPOOL_URL", urls.get(0), "FORKPOOL_URL_B", urls.get(1)));
            } finally {
                for (int r = 0; r < replicas.size(); r++) {
                    DashboardPrometheusIT.stop(replicas.get(r), r < workers.size() ? workers.get(r) : List.of());
                }
            }
        }
    }
}
