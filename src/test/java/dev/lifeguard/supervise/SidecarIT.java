package dev.lifeguard.supervise;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/**
 * Sidecar mode, as with {@code shareProcessNamespace: true}: the upstream runs on its own (started here, not by
 * Lifeguard); Lifeguard finds it, reads its /proc evidence and kills it when it hangs.
 */
class SidecarIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Map<String, String> settings(int port, String key, String value) {
        Map<String, String> s = new HashMap<>(Map.of(
                "lifeguard.upstream.url", "http://127.0.0.1:" + port + "/health",
                "lifeguard.upstream.interval", "250ms",
                "lifeguard.upstream.timeout", "250ms",
                "lifeguard.restart.grace", "2s",
                "lifeguard.restart.hang-after", "2s"));
        s.put(key, value);
        return s;
    }

    private static Process upstream(int port) throws Exception {
        return new ProcessBuilder(WrappedAgent.testUpstream(port)).redirectOutput(new File("/dev/null"))
                .redirectError(new File("/dev/null")).start();
    }

    @Test
    void findsTheUpstreamByCommandLineAndKillsItWhenItHangs() throws Exception {
        int port = Ports.closed();
        Process upstream = upstream(port);
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.process.match", "TestUpstream " + port + "$"), List.of())) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals(upstream.pid(), agent.childPid()));
            WrappedAgent.signal("STOP", upstream.pid());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("stopped")));
            await().atMost(WAIT).until(() -> !upstream.isAlive());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().getList("supervisor.restarts.cause"), hasItem("hung")));
            JsonPath status = agent.status();
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("its container's restart is up to the kubelet"));
            assertThat(status.getList("supervisor.restarts[0].evidence"), hasItem("state: stopped by a signal (T)"));
            agent.http().get("/q/health/ready").then().statusCode(503).body("checks.find { it.name == 'upstream' }.data.cause", equalTo("hung"));
        } finally {
            upstream.destroyForcibly();
        }
    }

    @Test
    void findsTheUpstreamByPidfileAndSeesItGoAtOnce() throws Exception {
        int port = Ports.closed();
        Process upstream = upstream(port);
        Path pidfile = Files.createTempFile("upstream", ".pid");
        Files.writeString(pidfile, upstream.pid() + "\n");
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.process.pidfile", pidfile.toString()), List.of())) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals(upstream.pid(), agent.childPid()));
            WrappedAgent.signal("KILL", upstream.pid());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("gone")));
            agent.http().get("/lifeguard/upstream/live").then().statusCode(200);
        } finally {
            upstream.destroyForcibly();
            Files.deleteIfExists(pidfile);
        }
    }

    @Test
    void aWatchedUpstreamThatStopsListeningIsNotRunningNeverHungAndItsRestartIsNotJudgedHung() throws Exception {
        int port = Ports.closed();
        Process upstream = upstream(port);
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.hang-after", "1s"), List.of())) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            upstream.destroyForcibly().waitFor();
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("connection_refused")));
            // Refused for three hang windows, as while a slow app restarts: not running, so the kubelet must not kill it.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> agent.http().get("/lifeguard/upstream/live").then().statusCode(200));
            upstream = upstream(port);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            agent.http().get("/lifeguard/upstream/live").then().statusCode(200);
            // Accepting but never answering is a hang, even where Lifeguard cannot see the process.
            WrappedAgent.signal("STOP", upstream.pid());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/lifeguard/upstream/live").then().statusCode(503)
                    .body("cause", equalTo("response_timeout")));
        } finally {
            upstream.destroyForcibly();
        }
    }

    @Test
    void aPidfileNamingLifeguardItselfOrAProcessWhoseCommandLineDoesNotMatchIsNotAdopted() throws Exception {
        int port = Ports.closed();
        Path pidfile = Files.createTempFile("upstream", ".pid");
        Process stranger = new ProcessBuilder("sleep", "60").start();
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.process.pidfile", pidfile.toString()), List.of())) {
            Files.writeString(pidfile, agent.pid() + "\n");
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.stdout(), containsString("names Lifeguard itself")));
            await().during(Duration.ofSeconds(2)).atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals(-1, agent.childPid()));
        }
        Map<String, String> verified = settings(port, "lifeguard.process.pidfile", pidfile.toString());
        verified.put("lifeguard.process.match", "TestUpstream " + port + "$");
        try (WrappedAgent agent = WrappedAgent.start(verified, List.of())) {
            Files.writeString(pidfile, stranger.pid() + "\n");
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.stdout(), containsString("does not match")));
            await().during(Duration.ofSeconds(2)).atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals(-1, agent.childPid()));
            // A stale pidfile now names a process that is the upstream: adopted.
            Process upstream = upstream(port);
            try {
                Files.writeString(pidfile, upstream.pid() + "\n");
                await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals(upstream.pid(), agent.childPid()));
            } finally {
                upstream.destroyForcibly();
            }
        } finally {
            stranger.destroyForcibly();
            Files.deleteIfExists(pidfile);
        }
    }

    @Test
    void tellsTheKubeletToRestartAHungUpstreamThroughUpstreamLive() throws Exception {
        int port = Ports.closed();
        Process upstream = upstream(port);
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.hang-after", "1s"), List.of())) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            agent.http().get("/lifeguard/upstream/live").then().statusCode(200);
            agent.http().baseUri("http://127.0.0.1").port(port).get("/deadlock").then().statusCode(200);
            // Readiness drains first; liveness fails only once the hang window has passed.
            AtomicLong readyDown = new AtomicLong();
            AtomicLong liveDown = new AtomicLong();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
                long now = System.nanoTime();
                if (readyDown.get() == 0 && agent.http().get("/q/health/ready").statusCode() == 503) {
                    readyDown.set(now);
                }
                if (liveDown.get() == 0 && agent.http().get("/lifeguard/upstream/live").statusCode() == 503) {
                    liveDown.set(now);
                }
                return liveDown.get() != 0;
            });
            assertThat("readiness went down before liveness", readyDown.get() != 0 && readyDown.get() <= liveDown.get(), equalTo(true));
            agent.http().get("/lifeguard/upstream/live").then().statusCode(503).body("cause", equalTo("response_timeout"));
            assertThat(upstream.isAlive(), equalTo(true));
            // What the kubelet would do: restart it.
            upstream.destroyForcibly().waitFor();
            upstream = upstream(port);
            // Refused while it restarts: not running, so no longer hung.
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/lifeguard/upstream/live").then().statusCode(200));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            agent.http().get("/lifeguard/upstream/live").then().statusCode(200);
        } finally {
            upstream.destroyForcibly();
        }
    }
}
