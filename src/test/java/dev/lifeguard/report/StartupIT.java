package dev.lifeguard.report;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/** {@code /q/health/started}, as a kubelet's startupProbe reads it, on the packaged app. */
class StartupIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void startedAnswers503UntilEveryCheckHasBeenProbedOnceThen200() throws Exception {
        // A listener that never accepts: the first probe takes its whole 3 s timeout.
        try (Ports.FullBacklog silent = new Ports.FullBacklog();
                WrappedAgent agent = WrappedAgent.start(Map.of("lifeguard.upstream.url", "tcp://127.0.0.1:" + silent.port(),
                        "lifeguard.upstream.interval", "3s", "lifeguard.upstream.timeout", "3s"), List.of())) {
            int first = await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> agent.http().get("/q/health/started").statusCode(), status -> status > 0);
            assertEquals(503, first, "started before the first probe finished");
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/started").then().statusCode(200));
        }
    }
}
