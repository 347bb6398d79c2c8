package dev.lifeguard.report;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Chromium;
import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/** The status page as an operator's browser shows it: a real headless Chromium, during a real fault. */
class StatusPageIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern LAST_PROBE = Pattern.compile("id=\"last-probe\"[^>]*data-latency-ms=\"([0-9.]+)\" data-at=\"([^\"]+)\"");

    @Test
    void duringAFaultTheRenderedPageShowsTheStateTheCauseTheIncidentAndTheLastProbeWithoutConsoleErrors() throws Exception {
        Chromium.assumeInstalled();
        int port = Ports.closed();
        // Probes every 5 s once the child's recovery window (fast probes for 30 s after its start) has passed, so that the
        // page and the status are soon read between the same two probes.
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.upstream.interval", "5s",
                "lifeguard.upstream.failure-threshold", "1"), WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
            agent.http().baseUri("http://127.0.0.1").port(port).get("/status?code=500");
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().getString("incident.cause"), equalTo("bad_status")));
            Path png = Path.of("target", "status-page.png");
            Files.createDirectories(png.getParent());
            await().atMost(WAIT).untilAsserted(() -> {
                Chromium.Rendered page = Chromium.render("http://127.0.0.1:" + agent.port() + "/", png);
                JsonPath status = agent.status();
                assertThat(page.dom(), containsString("<h1 id=\"state\" class=\"not_ready\">Not ready: " + status.getString("admission.cause") + "</h1>"));
                assertThat(page.dom(), containsString("Incident " + status.getInt("incident.id") + ": bad_status"));
                assertThat(page.dom(), containsString("HTTP 500"));
                Matcher last = LAST_PROBE.matcher(page.dom());
                assertEquals(true, last.find(), "no last probe in the chart");
                assertEquals(status.getString("upstream.last.at"), last.group(2), "the chart's last point is the status's last probe");
                assertEquals(status.getDouble("upstream.last.latencyMs"), Double.parseDouble(last.group(1)), 0.001);
                assertEquals(List.of(), page.console(), "the console");
            });
            assertEquals(true, Files.size(png) > 10_000, "a screenshot");
        }
    }
}
