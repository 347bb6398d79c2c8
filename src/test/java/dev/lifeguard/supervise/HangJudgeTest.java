package dev.lifeguard.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/** What counts as a hang, in virtual time. */
class HangJudgeTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration PROBE = Duration.ofSeconds(1);

    private static ProbeResult ok(int second) {
        return ProbeResult.ok("HTTP 200", Duration.ofMillis(2), T0.plusSeconds(second), 200);
    }

    private static ProbeResult fail(int second, Cause cause) {
        return ProbeResult.failed(cause, "evidence", PROBE, T0.plusSeconds(second), 0);
    }

    @Test
    void timeoutsForTheWholeWindowAreAHangCountedFromWhenTheFirstFailingProbeBegan() {
        HangJudge judge = new HangJudge(Duration.ofSeconds(10));
        judge.observe(ok(0), true);
        for (int s = 2; s <= 10; s++) {
            judge.observe(fail(s, Cause.RESPONSE_TIMEOUT), true);
        }
        assertEquals(T0.plusSeconds(1), judge.failingSince());
        assertEquals(false, judge.hung(T0.plusSeconds(10)));
        judge.observe(fail(11, Cause.RESPONSE_TIMEOUT), true);
        assertEquals(true, judge.hung(T0.plusSeconds(11)));
    }

    @Test
    void aSuccessEndsTheWindow() {
        HangJudge judge = new HangJudge(Duration.ofSeconds(3));
        judge.observe(fail(1, Cause.CONNECT_TIMEOUT), true);
        judge.observe(ok(2), true);
        judge.observe(fail(3, Cause.CONNECT_TIMEOUT), true);
        // Counted from the probe that began at 2, not from the first failure at 0.
        assertEquals(T0.plusSeconds(2), judge.failingSince());
        assertEquals(false, judge.hung(T0.plusSeconds(4)));
    }

    @Test
    void refusalsCountOnlyOnAPortTheServiceUsedToServe() {
        HangJudge starting = new HangJudge(Duration.ofSeconds(2));
        starting.observe(fail(1, Cause.CONNECTION_REFUSED), true);
        starting.observe(fail(5, Cause.CONNECTION_REFUSED), true);
        assertEquals(false, starting.hung(T0.plusSeconds(5)));

        HangJudge served = new HangJudge(Duration.ofSeconds(2));
        served.observe(ok(0), true);
        served.observe(fail(1, Cause.CONNECTION_REFUSED), true);
        served.observe(fail(5, Cause.CONNECTION_REFUSED), true);
        assertEquals(true, served.hung(T0.plusSeconds(5)));
    }

    @Test
    void whereTheProcessIsNotSeenARefusalMeansNotRunningAndStartsTheJudgementOver() {
        HangJudge judge = new HangJudge(Duration.ofSeconds(2));
        judge.observe(ok(0), false);
        judge.observe(fail(2, Cause.RESPONSE_TIMEOUT), false);
        judge.observe(fail(3, Cause.CONNECTION_REFUSED), false);
        judge.observe(fail(9, Cause.CONNECTION_REFUSED), false);
        assertEquals(false, judge.hung(T0.plusSeconds(9)));
        // Listening again but not answering: a hang, counted from then.
        judge.observe(fail(11, Cause.RESPONSE_TIMEOUT), false);
        assertEquals(T0.plusSeconds(10), judge.failingSince());
        judge.observe(fail(12, Cause.RESPONSE_TIMEOUT), false);
        assertEquals(true, judge.hung(T0.plusSeconds(12)));
    }

    @Test
    void otherFailuresAreNotAHang() {
        HangJudge judge = new HangJudge(Duration.ofSeconds(2));
        judge.observe(ok(0), true);
        judge.observe(fail(1, Cause.BAD_STATUS), true);
        judge.observe(fail(9, Cause.BAD_STATUS), true);
        assertEquals(false, judge.hung(T0.plusSeconds(9)));
    }
}
