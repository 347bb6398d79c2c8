package dev.lifeguard.diagnose;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/** The packaged Lifeguard, wrapping a real child, stopped and started again with the same lifeguard.incidents.file. */
class IncidentFileIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static WrappedAgent start(Path file, int port) throws Exception {
        WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.incidents.file", file.toString()),
                WrappedAgent.testUpstream(port));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
        return agent;
    }

    private static JsonPath incidents(WrappedAgent agent) {
        return new JsonPath(agent.http().get("/lifeguard/incidents").then().statusCode(200).extract().asString());
    }

    /** SIGTERM, as a kubelet stops a container, and the wait for Lifeguard's own exit. */
    private static void stop(WrappedAgent agent) throws Exception {
        WrappedAgent.signal("TERM", agent.pid());
        await().atMost(WAIT).until(() -> !agent.process().isAlive());
    }

    @Test
    void incidentsSurviveARestartOfLifeguardAndTheOneOpenAtTheStopSaysSo() throws Exception {
        Path file = dir.resolve("incidents.jsonl");
        Instant stoppedAt;
        int port = Ports.closed();
        try (WrappedAgent first = start(file, port)) {
            WrappedAgent.signal("KILL", first.childPid());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(incidents(first).getString("[0].cause"), equalTo("killed")));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals(false, incidents(first).getBoolean("[0].open")));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> first.http().get("/q/health/ready").then().statusCode(200));
            // Its health check answers 500 from now on: an incident that stays open (no restart for it) until the stop.
            first.http().port(port).get("/status?code=500").then().statusCode(200);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(first.status().getString("incident.cause"), equalTo("bad_status")));
            stoppedAt = Instant.now();
            stop(first);
            assertThat(first.stdout(), containsString("Incidents are kept in " + file + " (lifeguard.incidents.file): 0 read"));
        }
        assertEquals(2, Files.readAllLines(file).size(), "one incident a line");

        try (WrappedAgent second = start(file, Ports.closed())) {
            JsonPath kept = incidents(second);
            assertEquals(List.of(2, 1), kept.getList("id"), kept.prettify());
            assertEquals("bad_status", kept.getString("[0].cause"));
            assertEquals(false, kept.getBoolean("[0].open"));
            assertThat(kept.getList("[0].evidence"), hasItem(containsString("lifeguard: it was open when Lifeguard stopped")));
            assertThat("ended when Lifeguard stopped (its last write), not at the last change before", Instant.parse(kept.getString("[0].ended")),
                    greaterThan(stoppedAt));
            assertEquals("killed", kept.getString("[1].cause"));
            assertEquals(1, kept.getInt("[1].restarts"));
            assertThat(kept.getList("[1].evidence"), hasItem(containsString("restart: killed: process")));
            assertThat(second.status().get("incident"), nullValue());
            assertThat(second.http().get("/").then().statusCode(200).extract().asString(), containsString("<td>killed</td>"));
            assertThat(second.stdout(), containsString("Incidents are kept in " + file + " (lifeguard.incidents.file): 2 read, the next is number 3"));

            WrappedAgent.signal("KILL", second.childPid());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals(List.of(3, 2, 1), incidents(second).getList("id")));
            await().atMost(WAIT).until(() -> Files.readAllLines(file).size() == 3);
            assertThat(second.stdout() + second.stderr(), not(containsString("Exception")));
        }
    }

    @Test
    void aFileInADirectoryThatDoesNotExistIsReportedOnceAndLifeguardRunsOnWithMemoryOnly() throws Exception {
        Path file = dir.resolve("no-such-volume").resolve("incidents.jsonl");
        try (WrappedAgent agent = start(file, Ports.closed())) {
            WrappedAgent.signal("KILL", agent.childPid());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(incidents(agent).getString("[0].cause"), equalTo("killed")));
            String log = agent.stdout();
            assertEquals(1, log.lines().filter(l -> l.contains("lifeguard.incidents.file: ")).count(), log);
            assertThat(log, containsString("lifeguard.incidents.file: " + file + " is in " + file.getParent() + ", which does not exist; incidents "
                    + "are kept in memory only and lost when Lifeguard restarts. Fix: create the directory, or mount a volume there (an emptyDir)"));
            assertThat(log + agent.stderr(), not(containsString("Exception")));
        }
    }
}
