package dev.lifeguard.lb;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/** HAProxy's agent-check port as any client sees it: one line per connection, then closed. */
class AgentCheckIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String ask(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void answersUpWhenReadyAndDownWithTheCauseWhenNot() throws Exception {
        int port = Ports.closed();
        int agentPort = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.agent-check.port", Integer.toString(agentPort)),
                WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> ask(agentPort).equals("up 100%\n"));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("GET /status?code=503 HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().readAllBytes();
            }
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(ask(agentPort), startsWith("down #bad_status: HTTP 503")));
            assertThat(agent.status().getString("loadBalancers.agentCheck"), startsWith("listening on "));
        }
    }

    @Test
    void anAgentPortInUseIsSaidOnceNamingTheKeyAndLifeguardGoesOnServing() throws Exception {
        int port = Ports.closed();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.agent-check.port", Integer.toString(taken.getLocalPort()),
                        "quarkus.http.host", "127.0.0.1"), WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            assertThat(agent.status().getString("loadBalancers.agentCheck"), startsWith("not listening: "));
            String log = agent.stdout();
            assertThat(log, containsString("lifeguard.agent-check.port: cannot listen on 127.0.0.1:" + taken.getLocalPort()));
            assertEquals(log.indexOf("lifeguard.agent-check.port: cannot listen"), log.lastIndexOf("lifeguard.agent-check.port: cannot listen"));
        }
    }
}
