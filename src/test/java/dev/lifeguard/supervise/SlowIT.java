package dev.lifeguard.supervise;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/** A service that answers, only later than the probe's timeout, is slow, not hung: named so, and never cut off mid-request. */
class SlowIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * One HTTP/1.0 request on its own connection, closed after the answer; the whole answer, or the exception's text.
     * (A kept-alive idle connection looks to Lifeguard the same as a request in flight, and would hold a restart.)
     */
    private static String http10(int port, String path) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void aSlowServiceIsNamedSlowAndRestartedOnlyOnceItsRequestsInFlightHaveEnded() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.drain.timeout", "20s"), WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
            long first = agent.childPid();
            http10(port, "/slow?ms=1000");
            // A user's request that takes 5 s, under way when the service is judged slow (about 2 s in), on a connection
            // closed after it (HTTP/1.0): an idle kept-alive connection looks the same as a request in flight.
            CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> http10(port, "/work?ms=5000"));
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("upstream.cause").equals("slow"));
            assertThat(agent.status().getString("upstream.explanation"), containsString("got HTTP 200 after 1"));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().getList("supervisor.restarts.cause"), hasItem("slow")));
            assertThat("the request in flight was answered before the restart", inFlight.get(), containsString("HTTP/1.1 200"));
            JsonPath status = agent.status();
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("answers, slowly"));
            assertThat(status.getList("supervisor.restarts[0].evidence"), hasItem(containsString("requests in flight: 1 at the decision, 0 left")));
            assertThat(agent.stdout(), containsString("[slow] process " + first));
        }
    }

    @Test
    void aSlowAnswerFromBeforeTheServiceAnsweredAgainExplainsNothingLater() throws Exception {
        int port = Ports.closed();
        // Its answers take 600 ms for 1.5 s: the probes time out, and a side probe gets a slow answer.
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.restart.hang-after", "60s"),
                WrappedAgent.testUpstream(port, "--slow-start=600"))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
            http10(port, "/slow?ms=1500");
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("upstream.cause").equals("slow"));
            assertThat(agent.status().getString("upstream.explanation"), containsString("got HTTP 200 after 1.5"));
        }
    }

    @Test
    void aServiceWithHalfItsWorkersStuckIsJudgedPartlyHungAndRestarted() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port), WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
            long first = agent.childPid();
            http10(port, "/halfhang");
            // Every other probe is answered at once, so the probes never fail for the whole hang window.
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().getList("supervisor.restarts.cause"), hasItem("hung")));
            JsonPath status = agent.status();
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("some of its workers are stuck"));
            assertThat(status.getList("supervisor.restarts[0].evidence"), hasItem(containsString("connections on port " + port)));
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.childPid() != first && agent.status().getString("admission.status").equals("ready"));
        }
    }

    @Test
    void withOnSlowFalseASlowServiceKeepsRunningOutOfRotationAndIsNotReportedDead() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.restart.on-slow", "false"),
                WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
            long first = agent.childPid();
            http10(port, "/slow?ms=1000");
            await().atMost(WAIT).until(() -> agent.stdout().contains("(lifeguard.restart.on-slow=false)"));
            assertEquals(first, agent.childPid());
            assertEquals(List.of(), agent.status().getList("supervisor.restarts"));
            agent.http().get("/q/health/ready").then().statusCode(503);
            agent.http().get("/lifeguard/upstream/live").then().statusCode(200);
            http10(port, "/slow?ms=0");
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
        }
    }
}
