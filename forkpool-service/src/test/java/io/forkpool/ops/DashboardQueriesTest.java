package io.forkpool.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;

class DashboardQueriesTest {

    private static final Path DASHBOARD = ProjectFiles.file("docker/grafana/dashboards/forkpool.json");

    /** The contract's metrics (docs/contract.md) plus the standard ones the dashboard shows. */
    private static final List<String> CONTRACT_METRICS = List.of(
            "forkpool_jobs_submitted_total",
            "forkpool_jobs_rejected_total",
            "forkpool_jobs_duration_seconds_bucket",
            "forkpool_jobs_duration_seconds_count",
            "forkpool_jobs_queue_wait_seconds_bucket",
            "forkpool_jobs_active",
            "forkpool_shards_duration_seconds_bucket",
            "forkpool_shards_duration_seconds_sum", // worker-seconds per tenant
            "forkpool_shards_queued",
            "forkpool_shards_retried_total",
            "forkpool_workers",
            "forkpool_workers_restarts_total",
            "forkpool_workers_spawn_seconds",
            "forkpool_samples_total",
            "http_server_requests_seconds_count",
            "http_server_requests_seconds_bucket",
            "jvm_memory_used_bytes",
            "process_cpu_usage",
            "jvm_threads_live_threads");

    /** Counters that have no series until the first such event. */
    private static final List<String> EVENT_ONLY = List.of(
            "forkpool_jobs_rejected_total",
            "forkpool_shards_retried_total",
            "forkpool_workers_restarts_total",
            "status=~\"4..|5..\"");

    @Test
    void findsEveryExpressionOfTheDashboardIncludingTheCollapsedRow() {
        List<String> expressions = DashboardQueries.expressions(DASHBOARD);

        assertThat(expressions).hasSize(29); // with the two per tenant
        // These four panels sit inside the collapsed "HTTP and JVM" row.
        assertThat(expressions)
                .anyMatch(e -> e.contains("jvm_memory_used_bytes{area=\"heap\"}"))
                .anyMatch(e -> e.contains("process_cpu_usage"))
                .anyMatch(e -> e.contains("jvm_threads_live_threads"))
                .anyMatch(e -> e.contains("http_server_requests_seconds_bucket"));
        assertThat(expressions)
                .contains(
                        "histogram_quantile(0.99, sum by (type, le) (rate(forkpool_jobs_duration_seconds_bucket[1m])))");
    }

    @Test
    void walksNestedRowsAndTheOldRowsSchemaAndSkipsBlankTargets(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("d.json");
        Files.writeString(json, """
                {"panels": [
                   {"type": "timeseries", "targets": [{"expr": "up"}, {"expr": "  "}, {"refId": "B"}]},
                   {"type": "row", "collapsed": true, "panels": [
                      {"type": "stat", "targets": [{"expr": " sum(a) \\n"}]},
                      {"type": "text"}]}],
                 "rows": [{"panels": [{"targets": [{"expr": "rate(b[1m])"}]}]}]}
                """);

        assertThat(DashboardQueries.expressions(json)).containsExactly("up", "sum(a)", "rate(b[1m])");
    }

    @Test
    void everyContractMetricIsOnTheDashboard() {
        String all = String.join("\n", DashboardQueries.expressions(DASHBOARD));
        assertThat(CONTRACT_METRICS).allSatisfy(metric -> assertThat(all).contains(metric));
    }

    @Test
    void expressionsRunOnPlainPrometheusAndEventOnlyCountersStillReturnASeries() {
        for (String expr : DashboardQueries.expressions(DASHBOARD)) {
            assertThat(expr)
                    .as("no Grafana variables: a plain Prometheus must run it")
                    .doesNotContain("$");
            if (EVENT_ONLY.stream().anyMatch(expr::contains)) {
                assertThat(expr).as("event-only counter").endsWith("or on() vector(0)");
            }
        }
    }

    @Test
    void theDashboardIsTheOneGrafanaProvisionsOnTheProvisionedDatasource() throws IOException {
        var dashboard = new ObjectMapper().readTree(DASHBOARD);
        assertThat(dashboard.path("uid").asString()).isEqualTo("forkpool");
        assertThat(dashboard.findValues("datasource")).allSatisfy(ds -> {
            if (ds.path("type").asString().equals("prometheus")) {
                assertThat(ds.path("uid").asString()).isEqualTo("prometheus");
            }
        });
        assertThat(Files.readString(ProjectFiles.file("docker/grafana/provisioning/datasources/prometheus.yaml")))
                .contains("uid: prometheus")
                .contains("url: http://prometheus:9090");
    }
}
