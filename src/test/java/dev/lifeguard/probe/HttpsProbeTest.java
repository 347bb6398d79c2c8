package dev.lifeguard.probe;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

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
import dev.lifeguard.testing.SelfSigned;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;

/** HTTPS against a real TLS server on loopback with a self-signed certificate for localhost. */
class HttpsProbeTest {

    private static Vertx vertx;
    private static SelfSigned certificate;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        certificate = SelfSigned.create();
        server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new PfxOptions().setPath(certificate.keystore().toString()).setPassword(SelfSigned.PASSWORD)))
                .requestHandler(req -> req.response().end("ok"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close();
        certificate.close();
    }

    @Test
    void aServerThatAcceptsButNeverAnswersTheTlsHelloIsATlsFailureNotAConnectTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // Accepted by the kernel, never read: the TCP connection is made, the TLS handshake never answered.
            Target.Http target = new Target.Http(URI.create("https://127.0.0.1:" + silent.getLocalPort() + "/"), Optional.empty(),
                    StatusRanges.parse("200"), Optional.empty(), Optional.empty(), false);
            ProbeResult r;
            try (Probe probe = Probe.of(target, Duration.ofSeconds(2), vertx, Clock.systemUTC())) {
                r = probe.probe().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            assertThat(r.detail(), r.cause(), is(Cause.TLS_HANDSHAKE));
            assertThat(r.detail(), containsString("handshake"));
        }
    }

    @Test
    void refusesAnUntrustedCertificateAsATlsFailure() {
        assertThat(probe(Optional.empty(), false).cause(), is(Cause.TLS_HANDSHAKE));
    }

    @Test
    void trustsTheConfiguredCaFile() {
        assertThat(probe(Optional.of(certificate.certificate().toString()), false).cause(), is(Cause.OK));
    }

    @Test
    void skipsVerificationOnlyWhenAskedTo() {
        assertThat(probe(Optional.empty(), true).cause(), is(Cause.OK));
    }

    @Test
    void plainHttpToATlsPortIsAProtocolMismatchThatSaysUseHttps() {
        Target.Http target = new Target.Http(URI.create("http://127.0.0.1:" + server.actualPort() + "/"), Optional.empty(),
                StatusRanges.parse("200"), Optional.empty(), Optional.empty(), false);
        ProbeResult r;
        try (Probe probe = Probe.of(target, Duration.ofSeconds(2), vertx, Clock.systemUTC())) {
            r = probe.probe().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(r.detail(), r.cause(), is(Cause.PROTOCOL_MISMATCH));
        assertThat(r.detail(), containsString("the port speaks TLS: use https://"));
    }

    private static ProbeResult probe(Optional<String> caFile, boolean skipVerify) {
        Target.Http target = new Target.Http(URI.create("https://localhost:" + server.actualPort() + "/"), Optional.empty(),
                StatusRanges.parse("200"), Optional.of("ok"), caFile, skipVerify);
        try (Probe probe = Probe.of(target, Duration.ofSeconds(2), vertx, Clock.systemUTC())) {
            return probe.probe().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
