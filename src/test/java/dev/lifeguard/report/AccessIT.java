package dev.lifeguard.report;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/**
 * What listens where, end to end: the packaged Lifeguard on all interfaces, asked from loopback and from the machine's
 * own non-loopback address (as a client in the pod network would). The argv is masked for everyone; the output the
 * process wrote and admin actions need the admin token, or a request from loopback unless loopback-trusted=false; a
 * forwarded header never makes a request count as loopback.
 */
class AccessIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "s3cret-token-for-tests-0123456789";
    private static final String RESTART = "/lifeguard/admin/restart";

    private static WrappedAgent wrap(String... more) throws Exception {
        int port = Ports.closed();
        Map<String, String> s = WrappedAgent.fastSettings(port, more);
        WrappedAgent agent = WrappedAgent.start(s, WrappedAgent.testUpstream(port, "--db-password=hunter2-in-argv", "--token", "tok-in-argv"));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
        return agent;
    }

    // Requests come from loopback only (this machine sends test traffic nowhere else): with
    // lifeguard.admin.loopback-trusted=false, a loopback peer is judged as any other address, as another pod would be.

    @Test
    void theStatusMasksTheArgvForAllAndShowsTheOutputOnlyWithTheTokenOrFromLoopback() throws Exception {
        try (WrappedAgent agent = wrap("lifeguard.admin.token", TOKEN)) {
            crash(agent);
            JsonPath local = agent.status();
            assertEquals("loopback", local.getString("access"));
            assertThat(local.getList("supervisor.restarts[0].output"), hasItem("stderr: test-upstream: crashing with status 3"));
            // Even from loopback, the argv is masked: the page may be forwarded or pasted.
            assertThat(local.getList("supervisor.command"), allOf(hasItem("--db-password=***"), not(hasItem("tok-in-argv"))));
        }
        try (WrappedAgent agent = wrap("lifeguard.admin.token", TOKEN, "lifeguard.admin.loopback-trusted", "false")) {
            crash(agent);
            String remoteBody = agent.http().get("/lifeguard/status").then().statusCode(200).extract().asString();
            JsonPath remote = JsonPath.from(remoteBody);
            assertEquals("none", remote.getString("access"));
            assertThat(remote.getList("supervisor.command"), allOf(hasItem("--db-password=***"), hasItem("--token"), hasItem("***")));
            assertThat(remote.getString("supervisor.restarts[0].cause"), equalTo("crashed"));
            assertThat(remote.getList("supervisor.restarts[0].evidence"), notNullValue());
            assertThat(remote.get("supervisor.restarts[0].output"), nullValue());
            assertThat(remoteBody, allOf(not(containsString("hunter2-in-argv")), not(containsString("tok-in-argv")),
                    not(containsString("crashing with status 3"))));
            for (Map.Entry<String, String> forwarded : Map.of("X-Forwarded-For", "127.0.0.1", "Forwarded", "for=127.0.0.1",
                    "X-Real-IP", "127.0.0.1").entrySet()) {
                agent.http().header(forwarded.getKey(), forwarded.getValue()).get("/lifeguard/status").then().statusCode(200)
                        .body("access", equalTo("none")).body("supervisor.restarts[0].output", nullValue());
            }
            agent.http().header("Authorization", "Bearer " + TOKEN).get("/lifeguard/status").then().statusCode(200)
                    .body("access", equalTo("token")).body("supervisor.restarts[0].output", hasItem("stderr: test-upstream: crashing with status 3"));
            agent.http().header("Authorization", "Bearer wrong-token-wrong-token").get("/lifeguard/status").then().statusCode(200)
                    .body("access", equalTo("none")).body("supervisor.restarts[0].output", nullValue());
            // What load balancers and the kubelet read stays open (the child may still be restarting: ready or not, never refused).
            for (String open : List.of("/q/health/ready", "/q/health/live", "/q/health/started", "/lifeguard/upstream/live", "/q/metrics")) {
                agent.http().get(open).then().statusCode(oneOf(200, 503));
            }
        }
    }

    @Test
    void adminActionsNeedTheTokenOrARequestFromLoopback() throws Exception {
        try (WrappedAgent agent = wrap("lifeguard.admin.token", TOKEN, "lifeguard.admin.loopback-trusted", "false")) {
            agent.http().post(RESTART).then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
            agent.http().header("X-Forwarded-For", "127.0.0.1").header("Forwarded", "for=127.0.0.1").post(RESTART).then().statusCode(401);
            agent.http().header("Authorization", "Bearer wrong-token-wrong-token").post(RESTART).then().statusCode(401);
            agent.http().header("Authorization", "Bearer " + TOKEN).post(RESTART).then().statusCode(202);
        }
        try (WrappedAgent agent = wrap("lifeguard.admin.token", TOKEN)) {
            agent.http().header("Authorization", "Bearer wrong-token-wrong-token").post(RESTART).then().statusCode(401);
            agent.http().post(RESTART).then().statusCode(202);
        }
        try (WrappedAgent agent = wrap("lifeguard.admin.loopback-trusted", "false")) {
            agent.http().post(RESTART).then().statusCode(403).body("error", containsString("lifeguard.admin.token"));
            agent.http().header("X-Forwarded-For", "127.0.0.1").post(RESTART).then().statusCode(403);
        }
        try (WrappedAgent agent = wrap()) {
            agent.http().header("Authorization", "Bearer anything-at-all-here").post(RESTART).then().statusCode(403);
            agent.http().post(RESTART).then().statusCode(202).body("restarting", equalTo(true));
        }
    }

    @Test
    void loopbackTrustedFalseMakesLoopbackAsOpenAsAnyOtherAddress() throws Exception {
        try (WrappedAgent agent = wrap("lifeguard.admin.token", TOKEN, "lifeguard.admin.loopback-trusted", "false")) {
            crash(agent);
            agent.http().get("/lifeguard/status").then().statusCode(200).body("access", equalTo("none"))
                    .body("supervisor.restarts[0].output", nullValue());
            agent.http().post(RESTART).then().statusCode(401);
            agent.http().header("Authorization", "Bearer " + TOKEN).get("/lifeguard/status").then().body("access", equalTo("token"))
                    .body("supervisor.restarts[0].output", hasItem("stderr: test-upstream: crashing with status 3"));
            agent.http().header("Authorization", "Bearer " + TOKEN).post(RESTART).then().statusCode(202);
        }
    }

    @Test
    void theLogMasksTheWrappedCommand() throws Exception {
        try (WrappedAgent agent = wrap()) {
            assertThat(agent.stdout(), allOf(containsString("Wrapping: "), containsString("--db-password=*** --token ***"),
                    not(containsString("hunter2-in-argv")), not(containsString("tok-in-argv"))));
        }
    }

    private static void crash(WrappedAgent agent) {
        String target = agent.status().getString("upstream.target");
        int upstream = Integer.parseInt(target.replaceAll(".*:(\\d+)/.*", "$1"));
        given().baseUri("http://127.0.0.1").port(upstream).get("/crash?code=3");
        await().atMost(WAIT).ignoreExceptions()
                .untilAsserted(() -> assertThat(agent.status().getList("supervisor.restarts.cause"), hasItem("crashed")));
    }
}
