package dev.lifeguard.probe;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import dev.lifeguard.config.StatusRanges;
import dev.lifeguard.config.Target;
import dev.lifeguard.testing.FaultyServer;
import dev.lifeguard.testing.FaultyServer.Mode;
import dev.lifeguard.testing.Ports;
import io.vertx.core.Vertx;

/** Every cause in the vocabulary, produced by a real fault on loopback against the real probes. */
class ProbeTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static Vertx vertx;
    private static FaultyServer server;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = FaultyServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.close();
    }

    @Test
    void passesWhenTheUpstreamAnswers200() {
        ProbeResult r = probe(http(server.url()), Mode.OK);
        assertThat(r.cause(), is(Cause.OK));
        assertThat(r.httpStatus(), is(200));
    }

    @Test
    void namesARefusedConnection() {
        ProbeResult r = probe(http("http://127.0.0.1:" + Ports.closed() + "/"), Mode.OK);
        assertThat(r.cause(), is(Cause.CONNECTION_REFUSED));
    }

    @Test
    void namesAConnectTimeoutWhenTheBacklogIsFull() throws Exception {
        try (Ports.FullBacklog listener = new Ports.FullBacklog()) {
            ProbeResult r = probe(http("http://127.0.0.1:" + listener.port() + "/"), Mode.OK);
            assertThat(r.cause(), is(Cause.CONNECT_TIMEOUT));
            assertThat(r.detail(), containsString("connecting to 127.0.0.1:" + listener.port()));
        }
    }

    @Test
    void namesAResponseTimeoutWhenConnectedButUnanswered() {
        ProbeResult r = probe(http(server.url()), Mode.HANG);
        assertThat(r.cause(), is(Cause.RESPONSE_TIMEOUT));
        assertThat(r.latency(), greaterThanOrEqualTo(TIMEOUT));
    }

    @Test
    void namesAConnectionReset() {
        assertThat(probe(http(server.url()), Mode.RESET).cause(), is(Cause.CONNECTION_RESET));
    }

    @Test
    void namesAConnectionClosedBeforeTheResponse() {
        assertThat(probe(http(server.url()), Mode.CLOSE).cause(), is(Cause.CONNECTION_CLOSED));
    }

    @Test
    void namesAnInvalidHttpResponseInWordsAnOperatorReadsNotAsAJavaException() {
        ProbeResult r = probe(http(server.url()), Mode.GARBAGE);
        assertThat(r.cause(), is(Cause.INVALID_RESPONSE));
        // Shown on HAProxy's stats page through the agent-check: no Java class names there.
        assertThat(r.detail(), allOf(startsWith("the answer is not HTTP"), containsString("SSH-2.0"), not(containsString("Exception"))));
    }

    @Test
    void namesABadStatusWithItsCodeAndBody() {
        ProbeResult r = probe(http(server.url()), Mode.STATUS_500);
        assertThat(r.cause(), is(Cause.BAD_STATUS));
        assertThat(r.httpStatus(), is(500));
        assertThat(r.detail(), allOf(containsString("HTTP 500"), containsString("expected 200-399"), containsString("database connection pool exhausted")));
    }

    @Test
    void namesABodyMismatch() {
        ProbeResult r = probe(http(server.url(), Optional.of("ok")), Mode.WRONG_BODY);
        assertThat(r.cause(), is(Cause.BODY_MISMATCH));
        assertThat(r.detail(), containsString("maintenance"));
    }

    @Test
    void passesWhenTheBodyContainsTheExpectedText() {
        assertThat(probe(http(server.url(), Optional.of("ok")), Mode.OK).cause(), is(Cause.OK));
    }

    @Test
    void cutsAnEndlessBodyAtTheTimeout() {
        ProbeResult r = probe(http(server.url(), Optional.of("never there")), Mode.ENDLESS_BODY);
        assertThat(r.cause(), is(oneOf(Cause.BODY_MISMATCH, Cause.RESPONSE_TIMEOUT)));
        assertThat(r.latency(), lessThan(TIMEOUT.plusMillis(200)));
    }

    @Test
    void namesPlainHttpBehindAnHttpsUrlAProtocolMismatch() {
        ProbeResult r = probe(http("https://127.0.0.1:" + server.port() + "/"), Mode.OK);
        assertThat(r.cause(), is(Cause.PROTOCOL_MISMATCH));
        assertThat(r.detail(), containsString("the port answered a TLS handshake in plain text (HTTP): use http://"));
    }

    @Test
    void aBodyOfTerminalEscapesAndLineBreaksReachesNoLogRaw() {
        ProbeResult r = probe(http(server.url()), Mode.HOSTILE_BODY);
        assertThat(r.cause(), is(Cause.BAD_STATUS));
        assertThat(r.detail(), containsString("red"));
        for (char c : new char[] { '\u001b', '\u2028', '\u0085', '\u0007', '\u202e', '\n', '\r' }) {
            assertThat(String.format("U+%04X in %s", (int) c, r.detail()), r.detail().indexOf(c), is(-1));
        }
    }

    @Test
    void namesADnsFailure() {
        ProbeResult r = probe(http("http://upstream.lifeguard.invalid:8080/"), Mode.OK);
        assertThat(r.cause(), is(Cause.DNS_FAILURE));
    }

    @Test
    void aNameThatResolvesWhereNothingListensIsARefusalThatSaysWhereTheNameLed() {
        int closed = Ports.closed();
        ProbeResult r = probe(http("http://localhost:" + closed + "/"), Mode.OK);
        assertThat(r.cause(), is(Cause.CONNECTION_REFUSED));
        assertThat(r.detail(), containsString("(localhost resolved to 127.0.0.1)"));
        assertThat(probe(new Target.Tcp("localhost", closed), Mode.OK).detail(), containsString("(localhost resolved to 127.0.0.1)"));
    }

    @Test
    void namesAHostTheNetworkRejects() throws Exception {
        // A route of type unreachable (a documentation address, never used): the kernel answers EHOSTUNREACH, no packet leaves.
        String address = "198.51.100.7";
        Process add = new ProcessBuilder("ip", "route", "add", "unreachable", address + "/32").redirectErrorStream(true).start();
        String said = new String(add.getInputStream().readAllBytes());
        assumeTrue(add.waitFor() == 0, "cannot add a route here (needs root with CAP_NET_ADMIN): " + said);
        try {
            ProbeResult http = probe(http("http://" + address + ":8080/"), Mode.OK);
            assertThat(http.detail(), http.cause(), is(Cause.HOST_UNREACHABLE));
            ProbeResult tcp = probe(new Target.Tcp(address, 8080), Mode.OK);
            assertThat(tcp.detail(), tcp.cause(), is(Cause.HOST_UNREACHABLE));
        } finally {
            new ProcessBuilder("ip", "route", "del", "unreachable", address + "/32").inheritIO().start().waitFor();
        }
    }

    @Test
    void tcpProbePassesOnAnOpenPortAndNamesARefusal() {
        assertThat(probe(new Target.Tcp("127.0.0.1", server.port()), Mode.OK).cause(), is(Cause.OK));
        assertThat(probe(new Target.Tcp("127.0.0.1", Ports.closed()), Mode.OK).cause(), is(Cause.CONNECTION_REFUSED));
    }

    @Test
    void tcpProbeNamesAConnectTimeout() throws Exception {
        try (Ports.FullBacklog listener = new Ports.FullBacklog()) {
            assertThat(probe(new Target.Tcp("127.0.0.1", listener.port()), Mode.OK).cause(), is(Cause.CONNECT_TIMEOUT));
        }
    }

    @Test
    void execProbePassesOnExitZero() {
        assertThat(probe(new Target.Exec(List.of("true")), Mode.OK).cause(), is(Cause.OK));
    }

    @Test
    void execProbeReportsTheExitCodeAndTheLastOutput() {
        ProbeResult r = probe(new Target.Exec(List.of("sh", "-c", "seq 1 5000; echo 'replica lag too high' >&2; exit 3")), Mode.OK);
        assertThat(r.cause(), is(Cause.EXEC_FAILED));
        assertThat(r.httpStatus(), is(0));
        assertThat(r.detail(), allOf(containsString("exit status 3"), containsString("replica lag too high")));
        assertThat(r.detail().length(), lessThan(ExecProbe.EVIDENCE_BYTES + 64));
    }

    @Test
    void execProbeKillsACommandThatOutlivesTheTimeout() {
        ProbeResult r = probe(new Target.Exec(List.of("sleep", "30")), Mode.OK);
        assertThat(r.cause(), is(Cause.EXEC_TIMEOUT));
        assertThat(r.latency(), lessThan(Duration.ofSeconds(5)));
    }

    /** Repeated: a process caught in the middle of exec shows an empty environment for a moment. */
    @RepeatedTest(100)
    void execProbeEndsWhenTheCommandExitsThoughWhatItStartedHoldsItsOutputAndKillsThatToo() {
        // A process that escaped the command's group (setsid) and its tree (its parent exited), holding the output.
        String escapee = "86400." + System.nanoTime() % 1_000_000;
        try {
            ProbeResult r = probe(new Target.Exec(List.of("sh", "-c", "setsid sleep " + escapee + " & echo started; exit 0")), Mode.OK);
            assertThat(r.cause(), is(Cause.OK));
            assertThat(r.detail(), containsString("started"));
            await().atMost(Duration.ofSeconds(5)).until(() -> running(escapee).isEmpty());
        } finally {
            running(escapee).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static List<ProcessHandle> running(String argument) {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> List.of(a).contains(argument)).orElse(false)).toList();
    }

    private static Target.Http http(String url) {
        return http(url, Optional.empty());
    }

    private static Target.Http http(String url, Optional<String> body) {
        return new Target.Http(URI.create(url), Optional.empty(), StatusRanges.parse("200-399"), body, Optional.empty(), false);
    }

    private static ProbeResult probe(Target target, Mode mode) {
        server.mode(mode);
        try (Probe probe = Probe.of(target, TIMEOUT, vertx, Clock.systemUTC())) {
            return probe.probe().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
