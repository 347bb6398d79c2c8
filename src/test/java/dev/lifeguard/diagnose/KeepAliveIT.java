package dev.lifeguard.diagnose;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/**
 * The keep-alive trap with a real upstream (the JDK's HTTP server, whose idle connections are closed after
 * {@code sun.net.httpserver.idleInterval} seconds) and the gateway's keep-alive on either side of it.
 */
class KeepAliveIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The test upstream, closing idle connections after 2 s (checked five times a second). */
    private static List<String> closingIdleAfter2s(int port) {
        List<String> command = WrappedAgent.testUpstream(port);
        command.addAll(1, List.of("-Dsun.net.httpserver.idleInterval=2", "-Dsun.net.httpserver.clockTick=200"));
        return command;
    }

    private static JsonPath awaitFinding(WrappedAgent agent) {
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().get("keepAlive"), notNullValue()));
        return agent.status();
    }

    @Test
    void anUpstreamThatClosesIdleConnectionsBeforeTheGatewayDoesIsReported() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.gateway.keepalive", "10s"), closingIdleAfter2s(port))) {
            JsonPath status = awaitFinding(agent);
            assertEquals(true, status.getBoolean("keepAlive.trap"), status.prettify());
            assertThat(status.getDouble("keepAlive.closedAfterMs"), both(greaterThan(1_500.0)).and(lessThan(4_000.0)));
            assertThat(status.getString("keepAlive.finding"), containsString("sooner than the gateway keeps them (lifeguard.gateway.keepalive=10s)"));
            assertThat(agent.stdout(), containsString("[keep-alive] the upstream closes idle connections after 2"));
        }
    }

    @Test
    void anUpstreamThatKeepsIdleConnectionsLongerIsFine() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.gateway.keepalive", "1s"), closingIdleAfter2s(port))) {
            JsonPath status = awaitFinding(agent);
            assertEquals(false, status.getBoolean("keepAlive.trap"), status.prettify());
            assertThat(status.getString("keepAlive.finding"), containsString("kept an idle connection open past the gateway's keep-alive (1s)"));
            assertThat(agent.stdout(), org.hamcrest.Matchers.not(containsString("[keep-alive]")));
        }
    }
}
