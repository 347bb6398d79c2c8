package dev.lifeguard.report;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/** Requests anyone can send cost one answer each, never a log line, and only the methods an endpoint serves are answered. */
class HostlessRequestIT {

    private static String send(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void http11RequestsWithoutAHostHeaderAreRefusedWithoutALogLine() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(port, WrappedAgent.fastSettings(Ports.closed()), List.of())) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> agent.http().get("/q/health/live").statusCode() == 200);
            for (int i = 0; i < 50; i++) {
                assertThat(send(port, "GET /q/health/ready HTTP/1.1\r\n\r\n"), startsWith("HTTP/1.1 400"));
            }
            // A request that is logged, after them: the log has caught up with the 50 when it shows.
            agent.http().get("/lifeguard/status").then().statusCode(200);
            assertThat(agent.stdout(), not(containsString("'Host' header is required")));
            assertThat(agent.stdout(), not(containsString("ERROR")));
        }
    }

    @Test
    void theHealthAndMetricsEndpointsAnswerGetAndHeadOnly() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(port, WrappedAgent.fastSettings(Ports.closed()), List.of())) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> agent.http().get("/q/health/live").statusCode() == 200);
            for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started", "/q/health", "/q/metrics")) {
                for (String method : List.of("TRACE", "POST", "PUT", "DELETE", "PATCH")) {
                    String answer = send(port, method + " " + path + " HTTP/1.1\r\nHost: lifeguard\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    assertThat(method + " " + path, answer, startsWith("HTTP/1.1 405"));
                    assertThat(method + " " + path, answer.toLowerCase(java.util.Locale.ROOT), containsString("allow: get, head"));
                }
                assertThat(path, agent.http().head(path).statusCode(), org.hamcrest.Matchers.oneOf(200, 503));
            }
        }
    }
}
