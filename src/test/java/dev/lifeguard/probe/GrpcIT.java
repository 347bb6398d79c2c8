package dev.lifeguard.probe;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.FaultyServer;
import dev.lifeguard.testing.HealthServer;
import dev.lifeguard.testing.WrappedAgent;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;

/** The packaged agent watching a real gRPC server through lifeguard.upstream.url=grpc://…, as an operator configures it. */
class GrpcIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void isReadyWhileTheServiceIsServingAndNamesNotServing() throws Exception {
        try (HealthServer grpc = HealthServer.start();
                WrappedAgent agent = WrappedAgent.start(Map.of("lifeguard.upstream.url", "grpc://127.0.0.1:" + grpc.port() + "?service=shop.Cart",
                        "lifeguard.upstream.interval", "250ms"), List.of())) {
            grpc.status("shop.Cart", ServingStatus.SERVING);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            assertThat(agent.status().getString("upstream.last.detail"), is("service 'shop.Cart' is SERVING"));

            grpc.status("shop.Cart", ServingStatus.NOT_SERVING);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(503));
            assertThat(agent.status().getString("upstream.cause"), is("not_serving"));
            assertThat(agent.stdout(), containsString("Watching upstream: grpc.health.v1.Health/Check grpc://127.0.0.1:" + grpc.port() + "?service=shop.Cart"));
        }
    }

    @Test
    void namesAnHttp1ServerBehindAGrpcUrlWithoutALogLinePerProbe() throws Exception {
        try (FaultyServer http = FaultyServer.start();
                WrappedAgent agent = WrappedAgent.start(Map.of("lifeguard.upstream.url", "grpc://127.0.0.1:" + http.port(),
                        "lifeguard.upstream.interval", "100ms", "lifeguard.upstream.startup-grace", "0s"), List.of())) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().getString("upstream.cause"), is("protocol_mismatch")));
            await().atMost(WAIT).until(() -> http.requests() >= 10);
            assertThat(agent.stdout() + agent.stderr(), allOf(containsString("protocol_mismatch"), not(containsString("First received frame"))));
        }
    }
}
