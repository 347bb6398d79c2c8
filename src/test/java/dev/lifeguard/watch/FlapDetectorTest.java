package dev.lifeguard.watch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.config.Target;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/** A check that fails now and then, judged by the failure window and damped when it flaps, on a clock the test moves. */
class FlapDetectorTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Feeds probes to one check as its watcher does, at times the test chooses. */
    private static final class Check {
        private final FlapDetector detector;
        private Verdict verdict;
        private Instant now = T0;

        Check(int failureThreshold, int successThreshold, CheckSpec.Flapping flapping) {
            CheckSpec spec = new CheckSpec("upstream", new Target.Tcp("127.0.0.1", 8080), Duration.ofSeconds(1), Duration.ofMillis(100),
                    Duration.ofSeconds(1), failureThreshold, successThreshold, Duration.ZERO, true, flapping);
            detector = new FlapDetector(spec);
            verdict = Verdict.initial(spec, T0);
        }

        Verdict probe(boolean ok, Duration after) {
            return probe(ok ? Cause.OK : Cause.CONNECTION_REFUSED, after);
        }

        Verdict probe(Cause cause, Duration after) {
            now = now.plus(after);
            ProbeResult r = cause == Cause.OK ? ProbeResult.ok("answered", Duration.ZERO, now, 200)
                    : ProbeResult.failed(cause, cause.code(), Duration.ZERO, now, 0);
            verdict = detector.next(verdict, r, T0, Optional.empty());
            return verdict;
        }

        Verdict probe(boolean ok) {
            return probe(ok, Duration.ofSeconds(1));
        }
    }

    @Test
    void aCheckThatFailsEveryOtherProbeIsNeverTwoInARowButFlapsOutOfRotationByTheWindow() {
        Check check = new Check(2, 1, CheckSpec.Flapping.DEFAULT);
        check.probe(true);
        State state = State.READY;
        for (int i = 0; i < 12 && state == State.READY; i++) {
            state = check.probe(i % 2 == 1).state();
        }
        Verdict v = check.verdict;
        assertEquals(State.NOT_READY, v.state());
        assertEquals(Cause.FLAPPING, v.cause());
        assertThat(v.explanation(), allOf(containsString("fails now and then"), containsString("of the last 10s (connection_refused x")));
        assertEquals(1, v.consecutiveFailures(), "never two failures in a row");
    }

    @Test
    void theSameAlternationWithTheWindowOffNeverLeavesRotation() {
        Check check = new Check(2, 1, new CheckSpec.Flapping(Duration.ZERO, 0.3, 8, Duration.ofSeconds(60)));
        check.probe(true);
        for (int i = 0; i < 30; i++) {
            check.probe(i % 2 == 1);
        }
        assertEquals(State.READY, check.verdict.state());
    }

    @Test
    void aStreakNamesItsCauseTheFirstTimeAndFlappingWhenItLeavesAgainSoonAfterComingBack() {
        Check check = new Check(2, 1, CheckSpec.Flapping.DEFAULT);
        check.probe(true);
        check.probe(false);
        assertEquals(Cause.CONNECTION_REFUSED, check.probe(false, Duration.ofMillis(100)).cause());
        assertEquals(State.READY, check.probe(true).state());
        check.probe(false, Duration.ofSeconds(5));
        Verdict again = check.probe(false, Duration.ofMillis(100));
        assertEquals(State.NOT_READY, again.state());
        assertEquals(Cause.FLAPPING, again.cause());
        check.probe(true);
        assertEquals(State.READY, check.probe(true).state(), "damped: two successes");
        for (int i = 0; i < 30; i++) {
            check.probe(true);
        }
        check.probe(false);
        assertEquals(Cause.CONNECTION_REFUSED, check.probe(false, Duration.ofMillis(100)).cause(), "30 s in rotation: a failure of its own");
        for (int i = 0; i < 4; i++) {
            check.probe(true);
        }
        assertEquals(State.READY, check.verdict.state());
        check.probe(Cause.RESPONSE_TIMEOUT, Duration.ofSeconds(1));
        assertEquals(Cause.RESPONSE_TIMEOUT, check.probe(Cause.RESPONSE_TIMEOUT, Duration.ofMillis(100)).cause(), "soon, but for another cause");
    }

    @Test
    void aCheckThatComesBackByARestartAndLeavesAgainIsNotFlapping() {
        Check check = new Check(2, 1, CheckSpec.Flapping.DEFAULT);
        check.probe(true);
        check.probe(false);
        check.probe(false, Duration.ofMillis(100));
        check.detector.restarted();
        assertEquals(State.READY, check.probe(true).state());
        check.probe(false);
        assertEquals(Cause.CONNECTION_REFUSED, check.probe(false, Duration.ofMillis(100)).cause());
    }

    @Test
    void fastReprobesAfterAFailureWeighTheirTimeNotTheirCount() {
        // Four failures in a row, three of them 100 ms re-probes: 1.3 s of a 10 s window is 13 %, under 30 %.
        Check check = new Check(5, 1, CheckSpec.Flapping.DEFAULT);
        for (int i = 0; i < 12; i++) {
            check.probe(true);
        }
        check.probe(false);
        for (int i = 0; i < 3; i++) {
            check.probe(false, Duration.ofMillis(100));
        }
        assertEquals(State.READY, check.verdict.state());
        assertEquals(4, check.verdict.consecutiveFailures());
    }

    @Test
    void eachFlapDoublesTheSuccessesNeededUpToTheCapAndQuietRestoresThem() {
        Check check = new Check(1, 1, new CheckSpec.Flapping(Duration.ofSeconds(10), 0.3, 4, Duration.ofSeconds(60)));
        check.probe(true);
        int[] expected = {1, 2, 4, 4};
        for (int flap = 0; flap < expected.length; flap++) {
            Verdict out = check.probe(false);
            assertEquals(State.NOT_READY, out.state());
            int successes = 0;
            while (check.verdict.state() != State.READY) {
                check.probe(true);
                successes++;
            }
            assertEquals(expected[flap], successes, "successes needed after flap " + (flap + 1));
        }
        Verdict damped = check.probe(false);
        assertEquals(Cause.FLAPPING, damped.cause(), "out again, by a streak, a second after it came back");
        assertThat(damped.explanation(), allOf(containsString("(connection_refused x"),
                containsString("it left rotation 5 times without 60s free of failures, so it needs 4 successes in a row")));
        check.probe(true);
        check.probe(true, Duration.ofSeconds(61));
        check.probe(true);
        check.probe(true);
        check.probe(true);
        assertEquals(State.READY, check.verdict.state());
        check.probe(false);
        check.probe(true);
        assertEquals(State.READY, check.verdict.state(), "after a quiet minute, one success is enough again");
    }
}
