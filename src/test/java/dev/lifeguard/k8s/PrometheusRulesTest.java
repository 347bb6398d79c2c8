package dev.lifeguard.k8s;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lifeguard.testing.Promtool;

/**
 * k8s/monitoring/'s rules pass promtool's check and its unit tests (every alert tested), and the PrometheusRule holds
 * the same groups as the plain rules file. promtool comes with Debian's prometheus package; without it these tests
 * are skipped, unless CI_REQUIRE_PROMTOOL=1.
 */
class PrometheusRulesTest {

    private static final Path BAD = Path.of("src", "test", "resources", "monitoring-bad");

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Promtool.assumeInstalled();
        Promtool.Result check = Promtool.run("check", "rules", MonitoringFiles.RULES.toString());
        assertEquals(0, check.exitStatus(), check.output());
        assertThat(check.output(), containsString("SUCCESS"));
    }

    @Test
    void promtoolRejectsABrokenRule() throws Exception {
        Promtool.assumeInstalled();
        Promtool.Result check = Promtool.run("check", "rules", BAD.resolve("broken-rules.yaml").toString());
        assertNotEquals(0, check.exitStatus(), check.output());
        assertThat(check.output(), containsString("FAILED"));
    }

    @Test
    void everyAlertFiresWhenItsUnitTestSaysAndNotBefore() throws Exception {
        Promtool.assumeInstalled();
        Promtool.Result test = Promtool.run("test", "rules", MonitoringFiles.RULES_TEST.toString());
        assertEquals(0, test.exitStatus(), test.output());
        assertThat(test.output(), containsString("SUCCESS"));
    }

    @Test
    void aUnitTestExpectingAnAlertAMinuteEarlyFails() throws Exception {
        Promtool.assumeInstalled();
        Promtool.Result test = Promtool.run("test", "rules", BAD.resolve("early-alert.test.yaml").toString());
        assertNotEquals(0, test.exitStatus(), test.output());
        assertThat(test.output(), containsString("alertname: LifeguardNotReady, time: 6m"));
    }

    @Test
    void everyAlertHasAUnitTest() throws IOException {
        Set<String> tested = new HashSet<>();
        MonitoringFiles.yaml(MonitoringFiles.RULES_TEST).get("tests").forEach(t -> t.get("alert_rule_test").forEach(a -> {
            if (a.get("exp_alerts").size() > 0) {
                tested.add(a.get("alertname").asText());
            }
        }));
        for (String rule : MonitoringFiles.ruleQueries().keySet()) {
            String alert = rule.substring(rule.indexOf('/') + 1);
            assertTrue(tested.contains(alert), alert + " has no test in " + MonitoringFiles.RULES_TEST + " in which it fires");
        }
    }

    @Test
    void everyAlertHasASeveritySummaryAndDescription() throws IOException {
        for (JsonNode group : MonitoringFiles.yaml(MonitoringFiles.RULES).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                String alert = rule.get("alert").asText();
                assertTrue(Set.of("critical", "warning").contains(rule.path("labels").path("severity").asText()), alert + ": severity");
                assertFalse(rule.path("annotations").path("summary").asText().isBlank(), alert + ": summary");
                assertFalse(rule.path("annotations").path("description").asText().isBlank(), alert + ": description");
            }
        }
    }

    @Test
    void thePrometheusRuleHoldsTheSameGroupsAsThePlainRulesFile() throws IOException {
        JsonNode plain = MonitoringFiles.yaml(MonitoringFiles.RULES).get("groups");
        JsonNode operator = MonitoringFiles.yaml(MonitoringFiles.PROMETHEUS_RULE).get("spec").get("groups");
        assertTrue(plain.size() > 0);
        assertEquals(plain, operator);
    }

    /** The groups are compared as trees: one changed value anywhere makes them differ. */
    @Test
    void theComparisonOfGroupsSeesAChangedDuration() throws IOException {
        JsonNode plain = MonitoringFiles.yaml(MonitoringFiles.RULES).get("groups");
        JsonNode changed = plain.deepCopy();
        ((ObjectNode) changed.get(0).get("rules").get(0)).put("for", "4m");
        assertNotEquals(plain, changed);
    }
}
