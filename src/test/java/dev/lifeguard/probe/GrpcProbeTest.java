package dev.lifeguard.probe;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lifeguard.config.StatusRanges;
import dev.lifeguard.config.Target;
import dev.lifeguard.testing.FaultyServer;
import dev.lifeguard.testing.FaultyServer.Mode;
import dev.lifeguard.testing.HealthServer;
import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.SelfSigned;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.core.Vertx;

/** The gRPC probe against real gRPC servers (grpc-java, with its standard health service) and real wrong servers on loopback. */
class GrpcProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static Vertx vertx;
    private static HealthServer grpc;
    private static HealthServer bare;
    private static SelfSigned certificate;
    private static HealthServer tls;
    private static FaultyServer http;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        grpc = HealthServer.start();
        grpc.status("shop.Cart", ServingStatus.SERVING);
        grpc.status("shop.Payments", ServingStatus.NOT_SERVING);
        bare = HealthServer.withoutHealthService();
        certificate = SelfSigned.create();
        tls = HealthServer.tls(certificate);
        http = FaultyServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        grpc.close();
        bare.close();
        tls.close();
        certificate.close();
        http.close();
        vertx.close();
    }

    @Test
    void passesWhenTheServerAsAWholeIsServing() {
        ProbeResult r = probe(grpc("grpc://127.0.0.1:" + grpc.port(), ""));
        assertThat(r.detail(), r.cause(), is(Cause.OK));
        assertThat(r.detail(), is("the server is SERVING"));
    }

    @Test
    void passesWhenTheNamedServiceIsServing() {
        ProbeResult r = probe(grpc("grpc://127.0.0.1:" + grpc.port(), "shop.Cart"));
        assertThat(r.detail(), r.cause(), is(Cause.OK));
        assertThat(r.detail(), is("service 'shop.Cart' is SERVING"));
    }

    @Test
    void namesANamedServiceThatIsNotServing() {
        ProbeResult r = probe(grpc("grpc://127.0.0.1:" + grpc.port(), "shop.Payments"));
        assertThat(r.detail(), r.cause(), is(Cause.NOT_SERVING));
        assertThat(r.detail(), is("service 'shop.Payments' is NOT_SERVING"));
    }

    @Test
    void namesAServiceTheHealthServiceDoesNotKnow() {
        ProbeResult r = probe(grpc("grpc://127.0.0.1:" + grpc.port(), "shop.Typo"));
        assertThat(r.detail(), r.cause(), is(Cause.SERVICE_UNKNOWN));
        assertThat(r.detail(), allOf(containsString("NOT_FOUND"), containsString("does not know service 'shop.Typo'")));
    }

    @Test
    void namesAServerWithoutAHealthService() {
        ProbeResult r = probe(grpc("grpc://127.0.0.1:" + bare.port(), ""));
        assertThat(r.detail(), r.cause(), is(Cause.GRPC_UNIMPLEMENTED));
        assertThat(r.detail(), allOf(containsString("UNIMPLEMENTED"), containsString("no grpc.health.v1.Health service")));
    }

    @Test
    void namesAPlainHttp1ServerBehindAGrpcUrlAProtocolMismatch() {
        http.mode(Mode.OK);
        ProbeResult r = probe(grpc("grpc://127.0.0.1:" + http.port(), ""));
        assertThat(r.detail(), r.cause(), is(Cause.PROTOCOL_MISMATCH));
        assertThat(r.detail(), containsString("the port answered in HTTP/1, not gRPC (HTTP/2): use http://"));
    }

    @Test
    void namesAGrpcServerBehindAnHttpUrlAProtocolMismatch() {
        Target.Http target = new Target.Http(URI.create("http://127.0.0.1:" + grpc.port() + "/"), Optional.empty(), StatusRanges.parse("200-399"),
                Optional.empty(), Optional.empty(), false);
        ProbeResult r = probe(target);
        assertThat(r.detail(), r.cause(), is(Cause.PROTOCOL_MISMATCH));
        assertThat(r.detail(), containsString("HTTP/2 only"));
    }

    @Test
    void namesARefusedConnection() {
        assertThat(probe(grpc("grpc://127.0.0.1:" + Ports.closed(), "")).cause(), is(Cause.CONNECTION_REFUSED));
    }

    @Test
    void namesAServerThatNeverAnswersAResponseTimeout() throws Exception {
        // Connections complete in the kernel's accept queue; nothing ever reads or answers them.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeResult r = probe(grpc("grpc://127.0.0.1:" + silent.getLocalPort(), ""));
            assertThat(r.detail(), r.cause(), is(Cause.RESPONSE_TIMEOUT));
            assertThat(r.latency(), greaterThanOrEqualTo(TIMEOUT));
        }
    }

    @Test
    void namesAConnectTimeoutWhenTheBacklogIsFull() throws Exception {
        try (Ports.FullBacklog listener = new Ports.FullBacklog()) {
            ProbeResult r = probe(grpc("grpc://127.0.0.1:" + listener.port(), ""));
            assertThat(r.detail(), r.cause(), is(Cause.CONNECT_TIMEOUT));
        }
    }

    @Test
    void callsATlsServerTrustingTheConfiguredCaFile() {
        ProbeResult r = probe(grpcs(tls.port(), Optional.of(certificate.certificate().toString()), false));
        assertThat(r.detail(), r.cause(), is(Cause.OK));
    }

    @Test
    void refusesAnUntrustedCertificateAsATlsFailure() {
        ProbeResult r = probe(grpcs(tls.port(), Optional.empty(), false));
        assertThat(r.detail(), r.cause(), is(Cause.TLS_HANDSHAKE));
    }

    @Test
    void skipsVerificationOnlyWhenAskedTo() {
        assertThat(probe(grpcs(tls.port(), Optional.empty(), true)).cause(), is(Cause.OK));
    }

    @Test
    void namesAPlainGrpcServerBehindAGrpcsUrlAProtocolMismatch() {
        ProbeResult r = probe(grpcs(grpc.port(), Optional.empty(), true));
        assertThat(r.detail(), r.cause(), is(Cause.PROTOCOL_MISMATCH));
        assertThat(r.detail(), containsString("use grpc://"));
    }

    private static Target.Grpc grpc(String url, String service) {
        URI uri = URI.create(url);
        return new Target.Grpc(uri, uri.getHost(), uri.getPort(), false, service, Optional.empty(), false);
    }

    private static Target.Grpc grpcs(int port, Optional<String> caFile, boolean skipVerify) {
        URI uri = URI.create("grpcs://localhost:" + port);
        return new Target.Grpc(uri, "localhost", port, true, "", caFile, skipVerify);
    }

    private static ProbeResult probe(Target target) {
        try (Probe probe = Probe.of(target, TIMEOUT, vertx, Clock.systemUTC())) {
            return probe.probe().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
