package dev.lifeguard.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.config.Target;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/** The state machine driven by thresholds and the startup grace, in virtual time. */
class HysteresisTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static CheckSpec spec(int failures, int successes, Duration grace) {
        return new CheckSpec("upstream", new Target.Tcp("127.0.0.1", 8080), Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1),
                failures, successes, grace, true);
    }

    private static ProbeResult ok(int second) {
        return ProbeResult.ok("HTTP 200", Duration.ofMillis(2), T0.plusSeconds(second), 200);
    }

    private static ProbeResult fail(int second, Cause cause) {
        return ProbeResult.failed(cause, "evidence", Duration.ofMillis(2), T0.plusSeconds(second), 0);
    }

    private static Verdict run(CheckSpec spec, List<ProbeResult> results) {
        Verdict v = Verdict.initial(spec, T0);
        for (ProbeResult r : results) {
            Verdict next = Hysteresis.next(v, r, T0);
            if (next.state() != v.state()) {
                assertEquals(true, v.state().canBecome(next.state()), v.state() + " -> " + next.state());
            }
            v = next;
        }
        return v;
    }

    @Test
    void becomesReadyAfterTheSuccessThreshold() {
        CheckSpec spec = spec(2, 2, Duration.ZERO);
        assertEquals(State.STARTING, run(spec, List.of(ok(1))).state());
        Verdict v = run(spec, List.of(ok(1), ok(2)));
        assertEquals(State.READY, v.state());
        assertEquals(T0.plusSeconds(2), v.since());
    }

    @Test
    void staysReadyBelowTheFailureThreshold() {
        Verdict v = run(spec(3, 1, Duration.ZERO), List.of(ok(1), fail(2, Cause.RESPONSE_TIMEOUT), fail(3, Cause.RESPONSE_TIMEOUT)));
        assertEquals(State.READY, v.state());
        assertEquals(2, v.consecutiveFailures());
        assertEquals(Cause.OK, v.cause());
    }

    @Test
    void becomesNotReadyAtTheFailureThresholdNamingTheLatestCause() {
        Verdict v = run(spec(2, 1, Duration.ZERO), List.of(ok(1), fail(2, Cause.RESPONSE_TIMEOUT), fail(3, Cause.CONNECTION_REFUSED)));
        assertEquals(State.NOT_READY, v.state());
        assertEquals(Cause.CONNECTION_REFUSED, v.cause());
        assertEquals(T0.plusSeconds(3), v.since());
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        Verdict v = run(spec(2, 1, Duration.ZERO), List.of(ok(1), fail(2, Cause.BAD_STATUS), ok(3), fail(4, Cause.BAD_STATUS)));
        assertEquals(State.READY, v.state());
    }

    @Test
    void needsTheSuccessThresholdToComeBackAndKeepsTheCauseMeanwhile() {
        CheckSpec spec = spec(1, 3, Duration.ZERO);
        Verdict v = run(spec, List.of(ok(1), ok(2), ok(3), fail(4, Cause.BAD_STATUS), ok(5), ok(6)));
        assertEquals(State.NOT_READY, v.state());
        assertEquals(Cause.BAD_STATUS, v.cause());
        assertEquals(State.READY, run(spec, List.of(ok(1), ok(2), ok(3), fail(4, Cause.BAD_STATUS), ok(5), ok(6), ok(7))).state());
    }

    @Test
    void failuresWithinTheStartupGraceReadStarting() {
        CheckSpec spec = spec(2, 1, Duration.ofSeconds(10));
        Verdict v = run(spec, List.of(fail(1, Cause.CONNECTION_REFUSED), fail(2, Cause.CONNECTION_REFUSED), fail(9, Cause.CONNECTION_REFUSED)));
        assertEquals(State.STARTING, v.state());
        assertEquals(Cause.CONNECTION_REFUSED, v.cause());
        assertEquals(State.NOT_READY, run(spec, List.of(fail(1, Cause.CONNECTION_REFUSED), fail(10, Cause.CONNECTION_REFUSED))).state());
    }

    @Test
    void withoutGraceAFailingStartBecomesNotReadyAtTheThreshold() {
        CheckSpec spec = spec(2, 1, Duration.ZERO);
        assertEquals(State.STARTING, run(spec, List.of(fail(1, Cause.DNS_FAILURE))).state());
        assertEquals(State.NOT_READY, run(spec, List.of(fail(1, Cause.DNS_FAILURE), fail(2, Cause.DNS_FAILURE))).state());
    }

    @Test
    void aProcessRestartedOnAnOperatorsWordIsStillRestartingWhileItDoesNotListenYetForItsStartupGrace() {
        CheckSpec spec = spec(1, 1, Duration.ofSeconds(10));
        Verdict restarting = Hysteresis.failNow(run(spec, List.of(ok(1))), null, SupervisionEvent.of(Cause.RESTART_REQUESTED, "asked", T0.plusSeconds(2)));
        Verdict refused = Hysteresis.next(restarting, fail(3, Cause.CONNECTION_REFUSED), T0);
        assertEquals(Cause.RESTART_REQUESTED, refused.cause(), "a planned restart, no new failure");
        assertEquals(Cause.CONNECTION_REFUSED, refused.last().cause());
        assertEquals(Cause.CONNECTION_REFUSED, Hysteresis.next(refused, fail(13, Cause.CONNECTION_REFUSED), T0).cause(), "after its startup grace");
        assertEquals(Cause.BAD_STATUS, Hysteresis.next(restarting, fail(3, Cause.BAD_STATUS), T0).cause(), "it answers, wrongly");
    }
}
