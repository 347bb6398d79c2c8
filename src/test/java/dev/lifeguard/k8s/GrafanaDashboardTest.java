package dev.lifeguard.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * k8s/monitoring/grafana-dashboard.json parses, every panel queries Prometheus through the dashboard's data source
 * variable (no data source of one installation) and filters by the namespace variable. MonitoringMetricsIT checks
 * its metric names against a real scrape.
 */
class GrafanaDashboardTest {

    @Test
    void parsesWithPanelsThatEachRunAQuery() throws IOException {
        JsonNode dashboard = MonitoringFiles.JSON.readTree(MonitoringFiles.DASHBOARD.toFile());
        assertEquals("lifeguard-sidecars", dashboard.get("uid").asText());
        assertTrue(dashboard.get("panels").size() >= 4);
        for (JsonNode panel : dashboard.get("panels")) {
            String title = panel.get("title").asText();
            assertTrue(panel.get("targets").size() > 0, title);
            for (JsonNode node : List.of(panel.get("datasource"), panel.get("targets").get(0).get("datasource"))) {
                assertEquals("prometheus", node.get("type").asText(), title);
                assertEquals("${datasource}", node.get("uid").asText(), title);
            }
        }
    }

    @Test
    void everyPanelShowsTheNamespacesChosenAndReadsLifeguardsMetrics() throws IOException {
        for (Map.Entry<String, List<String>> e : MonitoringFiles.dashboardQueries().entrySet()) {
            for (String query : e.getValue()) {
                assertFalse(PromqlNames.of(query).isEmpty(), e.getKey() + " reads no metric: " + query);
                if (e.getKey().startsWith("panel ")) {
                    assertTrue(query.contains("namespace=~\"$namespace\""), e.getKey() + " is not filtered by $namespace: " + query);
                }
            }
        }
    }
}
