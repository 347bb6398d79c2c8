package dev.lifeguard.probe;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

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
import io.vertx.core.Vertx;

/**
 * Upstreams that attack the prober: answers without end, oversized, dribbled, looping or compressed a thousandfold.
 * Each gets its cause, ends by the probe's deadline, and is read only so far: the server's count of bytes written
 * (through a small send buffer) stays far below what it would write to a reader without a bound.
 */
class HostileUpstreamTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Far above what one probe reads plus what the kernel buffers; far below what flows on loopback in the timeout. */
    private static final long READ_BOUND = 8 * 1024 * 1024;
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
    void headerLinesWithoutEndAreAnInvalidResponseReadOnlySoFar() {
        ProbeResult r = probe(http(Optional.empty()), Mode.ENDLESS_HEADERS);
        assertThat(r.detail(), r.cause(), is(Cause.INVALID_RESPONSE));
        assertThat(r.detail(), containsString("larger than"));
        assertReadOnlySoFar(r);
    }

    @Test
    void aHeaderLineOfOneMebibyteIsAnInvalidResponseReadOnlySoFar() {
        ProbeResult r = probe(http(Optional.empty()), Mode.HUGE_HEADER);
        assertThat(r.detail(), r.cause(), is(Cause.INVALID_RESPONSE));
        assertThat(r.detail(), containsString("larger than"));
        assertReadOnlySoFar(r);
        // Hung up before the server could even write the whole line.
        assertThat(server.written(), lessThan(1024L * 1024));
    }

    @Test
    void chunksWithoutEndAreReadUpTo64KiBForTheBodyCheck() {
        ProbeResult r = probe(http(Optional.of("never there")), Mode.ENDLESS_CHUNKS);
        assertThat(r.detail(), r.cause(), is(Cause.BODY_MISMATCH));
        assertThat(r.detail(), containsString("(first 64 KiB)"));
        assertReadOnlySoFar(r);
    }

    @Test
    void chunksWithoutEndPassOnTheStatusAloneWhenNoBodyIsExpected() {
        ProbeResult r = probe(http(Optional.empty()), Mode.ENDLESS_CHUNKS);
        assertThat(r.detail(), r.cause(), is(Cause.OK));
        assertReadOnlySoFar(r);
    }

    @Test
    void anAnswerDribbledAByteAtATimeIsAResponseTimeoutAtTheDeadline() {
        ProbeResult r = probe(http(Optional.empty()), Mode.TRICKLE);
        assertThat(r.detail(), r.cause(), is(Cause.RESPONSE_TIMEOUT));
        assertThat(r.latency(), greaterThanOrEqualTo(TIMEOUT));
        assertReadOnlySoFar(r);
    }

    @Test
    void aRedirectIsNotFollowedAndPassesAsA3xxStatusDoesByDefault() {
        int before = server.mode(Mode.REDIRECT_LOOP).requests();
        ProbeResult r = probe(http(Optional.empty()), Mode.REDIRECT_LOOP);
        assertThat(r.detail(), r.cause(), is(Cause.OK));
        assertThat(r.httpStatus(), is(302));
        assertThat(server.requests() - before, is(1));
    }

    @Test
    void aRedirectOutsideTheExpectedStatusesIsABadStatusThatNamesWhereItLeads() {
        int before = server.mode(Mode.REDIRECT_LOOP).requests();
        ProbeResult r = probe(http(StatusRanges.parse("200"), Optional.empty()), Mode.REDIRECT_LOOP);
        assertThat(r.detail(), r.cause(), is(Cause.BAD_STATUS));
        assertThat(r.detail(), allOf(containsString("HTTP 302"), containsString("/health")));
        assertThat(server.requests() - before, is(1));
    }

    @Test
    void aGzipBombIsNeitherAskedForNorInflated() {
        ProbeResult r = probe(http(Optional.of("never there")), Mode.GZIP_BOMB);
        assertThat(server.lastRequest().toLowerCase(), not(containsString("accept-encoding")));
        // Read as it came, 64 KiB of deflated zeros; inflated, they would have held "never there" no more.
        assertThat(r.detail(), r.cause(), is(Cause.BODY_MISMATCH));
        assertReadOnlySoFar(r);
    }

    @Test
    void aResetInTheMiddleOfTheBodyIsAConnectionReset() {
        ProbeResult r = probe(http(Optional.of("never there")), Mode.RESET_MID_BODY);
        assertThat(r.detail(), r.cause(), is(Cause.CONNECTION_RESET));
    }

    /** The probe ended by its deadline, hung up, kept its evidence short, and read a bounded part of the answer. */
    private static void assertReadOnlySoFar(ProbeResult r) {
        assertThat(r.latency(), lessThan(TIMEOUT.plusSeconds(1)));
        assertThat(r.detail(), r.detail().length(), lessThan(HttpProbe.EVIDENCE_BODY + 200));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.serving() == 0);
        assertThat(server.written(), lessThan(READ_BOUND));
    }

    private static Target.Http http(Optional<String> body) {
        return http(StatusRanges.parse("200-399"), body);
    }

    private static Target.Http http(StatusRanges status, Optional<String> body) {
        return new Target.Http(URI.create(server.url()), Optional.empty(), status, body, Optional.empty(), false);
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
