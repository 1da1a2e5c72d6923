package io.forkpool.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The PromQL of a Grafana dashboard JSON: every {@code targets[].expr} of every panel, in
 * document order, including the panels a collapsed row keeps inside itself and the
 * {@code rows[].panels} of the old dashboard schema. Tests run these against Prometheus.
 */
public final class DashboardQueries {

    private DashboardQueries() {}

    /** Every non-blank PromQL expression of the dashboard, in document order. */
    public static List<String> expressions(Path dashboardJson) {
        var expressions = new ArrayList<String>();
        collect(new ObjectMapper().readTree(dashboardJson), expressions);
        return List.copyOf(expressions);
    }

    private static void collect(JsonNode node, List<String> into) {
        for (JsonNode target : node.path("targets")) {
            String expr = target.path("expr").asString("");
            if (!expr.isBlank()) {
                into.add(expr.strip());
            }
        }
        for (JsonNode panel : node.path("panels")) {
            collect(panel, into);
        }
        for (JsonNode row : node.path("rows")) {
            collect(row, into);
        }
    }
}
