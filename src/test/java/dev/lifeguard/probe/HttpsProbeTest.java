package dev.lifeguard.probe;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lifeguard.config.StatusRanges;
import dev.lifeguard.config.Target;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;

/** HTTPS against a real TLS server on loopback with a self-signed certificate for localhost. */
class HttpsProbeTest {

    private static Vertx vertx;
    private static Path dir;
    private static String certificatePath;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        // A self-signed certificate for localhost, made by the JDK's own keytool.
        dir = Files.createTempDirectory("lifeguard-tls");
        String keystore = dir.resolve("server.p12").toString();
        certificatePath = dir.resolve("ca.pem").toString();
        keytool("-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keystore, "-storetype", "PKCS12", "-storepass", "secret");
        keytool("-exportcert", "-rfc", "-alias", "localhost", "-keystore", keystore, "-storepass", "secret", "-file", certificatePath);
        server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new PfxOptions().setPath(keystore).setPassword("secret")))
                .requestHandler(req -> req.response().end("ok"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close();
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        } catch (Exception e) {
            // a temp dir left behind
        }
        dir.toFile().delete();
    }

    private static void keytool(String... args) throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        List<String> cmd = new ArrayList<>(List.of(java.resolveSibling("keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    @Test
    void refusesAnUntrustedCertificateAsATlsFailure() {
        assertThat(probe(Optional.empty(), false).cause(), is(Cause.TLS_HANDSHAKE));
    }

    @Test
    void trustsTheConfiguredCaFile() {
        assertThat(probe(Optional.of(certificatePath), false).cause(), is(Cause.OK));
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
