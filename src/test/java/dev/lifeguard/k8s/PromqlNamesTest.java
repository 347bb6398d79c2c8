package dev.lifeguard.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** The metric names read out of PromQL, which MonitoringMetricsIT checks against a real scrape. */
class PromqlNamesTest {

    @Test
    void readsTheMetricsOfAnExpressionAndNotItsFunctionsLabelsOrDurations() {
        assertEquals(Set.of("lifeguard_probe_duration_seconds_bucket"), PromqlNames.of(
                "histogram_quantile(0.9, sum without (outcome) (rate(lifeguard_probe_duration_seconds_bucket{outcome=\"success\"}[5m]))) > 0.5"));
    }

    @Test
    void readsBothSidesOfABinaryOperationAndIgnoresItsKeywords() {
        assertEquals(Set.of("lifeguard_restarts_total", "lifeguard_incidents_total", "lifeguard_check_up"), PromqlNames.of(
                "(sum without (reason) (increase(lifeguard_restarts_total{reason!=\"restart_requested\"}[1h])) >= 3 or sum without (cause)"
                        + " (increase(lifeguard_incidents_total[1h])) >= 3) and on (job, instance) lifeguard_check_up{check=\"upstream\"} == 0"));
    }

    @Test
    void ignoresStringsOffsetsNumbersAndGrafanaVariables() {
        assertEquals(Set.of("up", "lifeguard_ready"), PromqlNames.of(
                "absent(up{job=~\"lifeguard_ready_not_this\"}) or lifeguard_ready{namespace=~\"$namespace\"} offset 1h30m * 1e3"
                        + " + rate(lifeguard_ready[$__rate_interval]) / ${factor}"));
    }

    @Test
    void readsAMisspelledNameAsAName() {
        assertEquals(Set.of("lifeguard_redy"), PromqlNames.of("max by (pod) (lifeguard_redy) == 0"));
    }
}
