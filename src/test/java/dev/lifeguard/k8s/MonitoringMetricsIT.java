package dev.lifeguard.k8s;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/**
 * Every metric name that k8s/monitoring/'s alerts and dashboard read is one that a real Lifeguard exports: the packaged
 * Lifeguard, watching a port nothing listens on so that failures, an incident and their causes have series, is scraped
 * once on /q/metrics.
 */
class MonitoringMetricsIT {

    private static WrappedAgent agent;
    private static Set<String> exported;

    @BeforeAll
    static void scrapeARealLifeguardWhoseUpstreamFails() throws Exception {
        int upstream = Ports.closed();
        agent = WrappedAgent.start(Map.of("lifeguard.upstream.url", "http://127.0.0.1:" + upstream + "/health",
                "lifeguard.upstream.interval", "250ms", "lifeguard.upstream.startup-grace", "1s"), List.of());
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> agent.http().get("/q/metrics").then().statusCode(200).extract().asString().contains("lifeguard_incidents_total{"));
        exported = names(agent.http().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    /**
     * The names of the samples of a Prometheus text scrape: the series a query can select. (Not the names of the
     * # TYPE lines: a counter's is its name without _total, which selects nothing.)
     */
    static Set<String> names(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static List<String> unknown(Map<String, List<String>> queries) {
        List<String> unknown = new ArrayList<>();
        queries.forEach((where, list) -> list.forEach(q -> PromqlNames.of(q).stream().filter(n -> !exported.contains(n))
                .forEach(n -> unknown.add(where + ": " + n))));
        return unknown;
    }

    @Test
    void theScrapeHasTheFailureLabelledSeries() {
        assertTrue(exported.containsAll(Set.of("lifeguard_probe_failures_total", "lifeguard_incidents_total", "lifeguard_ready",
                "lifeguard_probe_duration_seconds_bucket", "lifeguard_restarts_total", "lifeguard_build_info")), exported.toString());
    }

    @Test
    void everyMetricTheAlertsReadIsExported() throws Exception {
        Map<String, List<String>> queries = MonitoringFiles.ruleQueries();
        assertTrue(queries.size() >= 7, queries.keySet().toString());
        // The expression, and the query of the summary that names the cause.
        assertEquals(2, queries.get("lifeguard/LifeguardNotReady").size(), queries.toString());
        assertEquals(List.of(), unknown(queries), "exported: " + exported);
    }

    @Test
    void everyMetricTheDashboardReadsIsExported() throws Exception {
        assertEquals(List.of(), unknown(MonitoringFiles.dashboardQueries()), "exported: " + exported);
    }

    @Test
    void aMetricNameThatLifeguardDoesNotExportIsNamed() {
        assertEquals(List.of("alert: lifeguard_up", "alert: lifeguard_probe_failures"), unknown(Map.of("alert",
                List.of("lifeguard_up == 0 or rate(lifeguard_probe_failures[5m]) > 0 or lifeguard_ready == 0"))));
    }
}
