package dev.lifeguard.report;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/** Lifeguard's log: plain lines by default, JSON objects, one a line, when QUARKUS_LOG_CONSOLE_JSON_ENABLED=true. */
class JsonLogIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Lifeguard wrapping a real child, which is SIGKILLed: the line of the incident that opens, as Lifeguard wrote it. */
    private static String incidentLine(Map<String, String> env) throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(Ports.closed(), WrappedAgent.fastSettings(port), WrappedAgent.testUpstream(port), env)) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            WrappedAgent.signal("KILL", agent.childPid());
            await().atMost(WAIT).until(() -> agent.stdout().contains("Incident 1 opened"));
            return agent.stdout().lines().filter(l -> l.contains("Incident 1 opened")).findFirst().orElseThrow();
        }
    }

    @Test
    void withTheSwitchOnAnIncidentIsLoggedAsOneJsonObject() throws Exception {
        String line = incidentLine(Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true"));
        JsonPath json = new JsonPath(line);
        assertEquals("WARN", json.getString("level"), line);
        assertEquals("dev.lifeguard.diagnose.Incidents", json.getString("loggerName"));
        assertThat(json.getString("message"), startsWith("Incident 1 opened [killed] upstream: The service's process was killed by a signal."));
        assertThat(json.getString("timestamp"), matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"));
    }

    @Test
    void byDefaultTheLogIsPlainText() throws Exception {
        String line = incidentLine(Map.of());
        assertThat(line, matchesPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} WARN  \\[dev\\.lifeguard\\.diagnose\\.Incidents] \\(.*\\) "
                + "Incident 1 opened \\[killed] upstream: .*"));
    }
}
