package dev.lifeguard.report;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.allOf;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.FaultyServer.Mode;
import dev.lifeguard.testing.UpstreamResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The endpoints a load balancer, the kubelet and an operator read, against a real upstream on loopback. */
@QuarkusTest
@WithTestResource(UpstreamResource.class)
class ReadinessTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @AfterEach
    void healUpstream() {
        UpstreamResource.upstream.mode(Mode.OK);
        awaitReady(200);
    }

    static void awaitReady(int status) {
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(status));
    }

    @Test
    void isReadyWhileTheUpstreamAnswers() {
        awaitReady(200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'upstream' }.data.state", equalTo("ready"))
                .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("ok"));
        given().get("/q/health/started").then().statusCode(200);
    }

    @Test
    void isNotReadyWithTheCauseWhenTheUpstreamAnswers500() {
        UpstreamResource.upstream.mode(Mode.STATUS_500);
        awaitReady(503);
        given().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'upstream' }.data.state", equalTo("not_ready"))
                .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("bad_status"))
                .body("checks.find { it.name == 'upstream' }.data.explanation", containsString("HTTP 500"))
                .body("checks.find { it.name == 'upstream' }.data.consecutiveFailures", org.hamcrest.Matchers.greaterThanOrEqualTo(2));
        // The agent itself is fine: a sick upstream must not get the sidecar restarted.
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void theDetailsFollowEveryProbeThoughOnlyAChangeOfStateIsRenderedAtOnce() {
        UpstreamResource.upstream.mode(Mode.STATUS_500);
        awaitReady(503);
        // Still not ready, for the same cause: no change of state, yet the count served keeps up with the probes.
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'upstream' }.data.consecutiveFailures", org.hamcrest.Matchers.greaterThanOrEqualTo(6)));
    }

    @Test
    void namesAHangAsAResponseTimeoutAndRecovers() {
        UpstreamResource.upstream.mode(Mode.HANG);
        awaitReady(503);
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("response_timeout"));
        UpstreamResource.upstream.mode(Mode.OK);
        awaitReady(200);
    }

    @Test
    void showsDependenciesUnderTheirOwnNames() {
        awaitReady(200);
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready?verbose").then()
                .body("checks.find { it.name == 'db' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'cache' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'cache' }.data.state", equalTo("not_ready"))
                .body("checks.find { it.name == 'cache' }.data.cause", equalTo("connection_refused"))
                .body("checks.find { it.name == 'cache' }.data.affectsReadiness", equalTo(false)));
    }

    @Test
    void theCompactBodyNamesTheUpstreamAndTheChecksThatAreNotWellAndVerboseNamesThemAll() {
        awaitReady(200);
        // db is ready and its last probe passed: only ?verbose shows it. cache fails (it does not affect readiness).
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", equalTo(java.util.List.of("upstream", "cache")))
                .body("checks.find { it.name == 'cache' }.data.cause", equalTo("connection_refused")));
        given().get("/q/health/ready?verbose").then().statusCode(200)
                .body("checks.name", equalTo(java.util.List.of("upstream", "cache", "db")));
        UpstreamResource.upstream.mode(Mode.STATUS_500);
        awaitReady(503);
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("bad_status"));
    }

    @Test
    void statusShowsTheVerdictEvidenceAndTransitions() {
        UpstreamResource.upstream.mode(Mode.RESET);
        awaitReady(503);
        given().get("/lifeguard/status").then().statusCode(200)
                .body("ready", equalTo(false))
                .body("upstream.state", equalTo("not_ready"))
                .body("upstream.cause", equalTo("connection_reset"))
                .body("upstream.advice", containsString("crashed"))
                .body("upstream.last.cause", equalTo("connection_reset"))
                .body("checks.name", hasItem("db"))
                .body("transitions.findAll { it.check == 'upstream' }.to", hasItem("not_ready"));
    }

    @Test
    void exportsPrometheusMetrics() {
        UpstreamResource.upstream.mode(Mode.GARBAGE);
        awaitReady(503);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("lifeguard_ready 0.0"))
                .body(containsString("lifeguard_check_up{check=\"upstream\"} 0.0"))
                .body(containsString("lifeguard_probe_duration_seconds_bucket{check=\"upstream\""))
                .body(containsString("lifeguard_probe_failures_total{cause=\"invalid_response\",check=\"upstream\"}"))
                .body(containsString("lifeguard_transitions_total{check=\"upstream\",to=\"not_ready\"}"));
    }

    @Test
    void metricsStartAtZeroKeepOneSeriesPerMeaningAndNameTheVersion() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String version = given().get("/lifeguard/status").then().statusCode(200).extract().path("version");
        assertThat(version, matchesPattern("\\d+\\.\\d+\\.\\d+\\S*"));
        assertThat(metrics, allOf(containsString("lifeguard_build_info{java=\"" + System.getProperty("java.version") + "\",version=\"" + version + "\"} 1.0"),
                // increase() needs a series before its first event: restarts by reason, and one failure total per check.
                containsString("lifeguard_restarts_total{reason=\"oom_killed\"} 0.0"),
                containsString("lifeguard_restarts_total{reason=\"hung\"} 0.0"),
                containsString("lifeguard_check_failures_total{check=\"db\"} 0.0"),
                containsString("lifeguard_probe_rounds_skipped_total{check=\"db\"} 0.0"),
                // lifeguard_check_up{check="upstream"} says it already.
                not(containsString("lifeguard_upstream_up"))));
        long buckets = metrics.lines().filter(l -> l.startsWith("lifeguard_probe_duration_seconds_bucket{check=\"db\"") && l.contains("outcome=\"success\"")).count();
        assertThat(buckets, lessThanOrEqualTo(15L));
    }

    @Test
    void aRequestFromLoopbackSeesTheOutputAndMayUseAdminWithoutAToken() {
        // Tests ask from 127.0.0.1, and loopback is trusted by default: this is kubectl port-forward or a shell in the pod.
        given().get("/lifeguard/status").then().statusCode(200).body("access", equalTo("loopback"));
        // Nothing is wrapped here, so admin is reached and finds nothing to restart.
        given().post("/lifeguard/admin/restart").then().statusCode(409).body("error", containsString("nothing to restart"));
        // A token presented is judged alone, even from loopback: none is configured, so none can be right.
        given().header("Authorization", "Bearer anything-at-all-here").post("/lifeguard/admin/restart").then().statusCode(403)
                .body("error", containsString("lifeguard.admin.token"));
        given().header("Authorization", "Bearer anything-at-all-here").get("/lifeguard/status").then().statusCode(200)
                .body("access", equalTo("none"));
    }
}
