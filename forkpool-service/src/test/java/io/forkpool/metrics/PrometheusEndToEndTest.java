package io.forkpool.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.web.Api;
import io.forkpool.web.ForkpoolServiceTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code /actuator/prometheus} after one job of each kind: the contract's meters, with the values the
 * jobs must have moved, and no job id or shard index anywhere.
 */
@ForkpoolServiceTest
class PrometheusEndToEndTest {

    final Api api;

    PrometheusEndToEndTest(Api api) {
        this.api = api;
    }

    @Test
    void prometheusHasTheContractMetricsWithValuesAndNoJobIds() throws InterruptedException {
        // shards of jobs cancelled by other tests may still be computing: their samples count too
        api.awaitWorkersIdle(2, Duration.ofSeconds(10));
        Map<String, Double> before = scrape();
        List<String> mine = new ArrayList<>();
        mine.add(api.runToSuccess("{\"type\":\"pi\",\"samples\":1000000}")
                .path("id")
                .asString());
        mine.add(api.runToSuccess("{\"type\":\"dice\",\"rolls\":1000}")
                .path("id")
                .asString());
        mine.add(api.runToSuccess("{\"type\":\"projectile\",\"samples\":1000}")
                .path("id")
                .asString());
        mine.add(api.runToSuccess("{\"type\":\"sine\",\"x\":1,\"terms\":20}")
                .path("id")
                .asString());
        mine.add(api.runToSuccess("{\"type\":\"smallest-multiple\",\"samples\":1000,\"factor\":3}")
                .path("id")
                .asString());

        var response = api.get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        String text = response.body();
        for (String name : List.of(
                "forkpool_jobs_submitted_total",
                "forkpool_jobs_duration_seconds_bucket",
                "forkpool_jobs_queue_wait_seconds_bucket",
                "forkpool_jobs_active",
                "forkpool_shards_duration_seconds_bucket",
                "forkpool_shards_queued",
                "forkpool_workers{",
                "forkpool_workers_spawn_seconds_bucket",
                "forkpool_samples_total")) {
            assertThat(text).as("metric %s", name).contains(name);
        }
        Map<String, Double> after = parse(text);

        for (String type : List.of("pi", "dice", "projectile", "sine", "smallest-multiple")) {
            assertThat(delta(before, after, "forkpool_jobs_submitted_total", "type=\"" + type + "\""))
                    .as("submitted %s", type)
                    .isEqualTo(1.0);
            assertThat(delta(
                            before,
                            after,
                            "forkpool_jobs_duration_seconds_count",
                            "type=\"" + type + "\"",
                            "status=\"SUCCEEDED\""))
                    .as("duration count %s", type)
                    .isEqualTo(1.0);
            assertThat(delta(before, after, "forkpool_jobs_queue_wait_seconds_count", "type=\"" + type + "\""))
                    .as("queue wait count %s", type)
                    .isEqualTo(1.0);
        }
        assertThat(delta(before, after, "forkpool_samples_total", "type=\"pi\""))
                .isEqualTo(1_000_000.0);
        assertThat(delta(before, after, "forkpool_samples_total", "type=\"dice\""))
                .isEqualTo(1000.0);
        assertThat(delta(before, after, "forkpool_samples_total", "type=\"sine\""))
                .isEqualTo(20.0);
        // 20 terms at 8 per shard: 3 shards
        assertThat(delta(before, after, "forkpool_shards_duration_seconds_count", "type=\"sine\""))
                .isEqualTo(3.0);
        assertThat(value(after, "forkpool_jobs_active")).isZero();
        assertThat(value(after, "forkpool_shards_queued")).isZero();
        double live =
                value(after, "forkpool_workers", "state=\"idle\"") + value(after, "forkpool_workers", "state=\"busy\"");
        assertThat(live).isEqualTo(2.0);
        assertThat(value(after, "forkpool_workers", "state=\"dead\"")).isZero();
        assertThat(value(after, "forkpool_workers_spawn_seconds_count")).isGreaterThanOrEqualTo(2.0);

        var ids = new HashSet<>(Api.JOB_IDS);
        ids.addAll(mine);
        assertThat(ids).hasSizeGreaterThanOrEqualTo(5);
        for (String id : ids) {
            assertThat(text).as("job id %s in the metrics", id).doesNotContain(id);
        }
        assertThat(text)
                .doesNotContainPattern(Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
        assertThat(text).doesNotContain("shard=").doesNotContain("job=").doesNotContain("jobId");
    }

    // ---------------------------------------------------------------- Prometheus text

    private Map<String, Double> scrape() {
        var response = api.get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return parse(response.body());
    }

    /** Prometheus text format: "name{labels} value" per sample line. */
    private static Map<String, Double> parse(String text) {
        var samples = new HashMap<String, Double>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** Sum of the samples of {@code name} whose labels contain every one of {@code labels}. */
    private static double value(Map<String, Double> samples, String name, String... labels) {
        return samples.entrySet().stream()
                .filter(e -> {
                    String key = e.getKey();
                    String n = key.indexOf('{') < 0 ? key : key.substring(0, key.indexOf('{'));
                    if (!n.equals(name)) {
                        return false;
                    }
                    for (String label : labels) {
                        if (!key.contains(label)) {
                            return false;
                        }
                    }
                    return true;
                })
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }
}
