package dev.lifeguard.lb;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Haproxy;
import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/** Lifeguard behind a real HAProxy: what HAProxy's own stats say, and when. */
class HaproxyIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void haproxy() {
        Haproxy.assumeInstalled();
    }

    /** A backend of wrapped servers, each checked on Lifeguard's readiness and its agent-check port. */
    private static String config(int frontend, String servers) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 10s
                    timeout server 10s

                frontend fe
                    bind 127.0.0.1:%d
                    default_backend be

                backend be
                    option httpchk GET /q/health/ready
                %s
                """.formatted(frontend, servers);
    }

    private static String server(String name, int port, WrappedAgent agent, int agentPort) {
        return "    server %s 127.0.0.1:%d check port %d inter 1s fall 1 rise 1 agent-check agent-port %d agent-inter 200ms\n"
                .formatted(name, port, agent.port(), agentPort);
    }

    private static void get(String url) throws IOException, InterruptedException {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void aCrashTakesTheServerOutBeforeTheRestartAndHaproxysStatsNameTheCause() throws Exception {
        int port = Ports.closed();
        int agentPort = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.agent-check.port", Integer.toString(agentPort),
                "lifeguard.restart.backoff", "3s"), WrappedAgent.testUpstream(port));
                Haproxy haproxy = Haproxy.start(config(Ports.closed(), server("s1", port, agent, agentPort)))) {
            await().atMost(WAIT).until(() -> haproxy.server("be", "s1").get("status").equals("UP"));
            get("http://127.0.0.1:" + port + "/crash?code=3");
            AtomicReference<Map<String, String>> down = new AtomicReference<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
                Map<String, String> row = haproxy.server("be", "s1");
                down.set(row);
                return row.get("status").startsWith("DOWN");
            });
            assertEquals("backing_off", agent.status().getString("supervisor.state"), "out of rotation before the restart");
            assertThat("HAProxy's own words for the agent's reply", down.get().get("last_agt"),
                    containsString("via agent : down (crashed: process "));
            assertThat(down.get().get("last_agt"), containsString("exited with status 3 after running"));
            assertThat(down.get().get("status"), startsWith("DOWN (agent)"));
            await().atMost(WAIT).until(() -> haproxy.server("be", "s1").get("status").equals("UP"));
        }
    }
}
