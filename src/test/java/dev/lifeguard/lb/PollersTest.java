package dev.lifeguard.lb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Which pollers a drain waits for, driven by a clock the test moves. */
class PollersTest {

    /** A clock the test sets. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private final TestClock clock = new TestClock();
    private final Pollers pollers = new Pollers(clock);

    private void poll(String address, int times, Duration every) {
        for (int i = 0; i < times; i++) {
            pollers.polled(address, "http", "HAProxy");
            clock.advance(every);
        }
    }

    @Test
    void aPollerThatPolledRegularlyIsSteadyAndObservesADrainByPollingAgain() {
        poll("10.0.0.1", 4, Duration.ofSeconds(1));
        Instant drain = clock.instant();
        Pollers.Key haproxy = new Pollers.Key("10.0.0.1", "http", "HAProxy");
        assertThat(pollers.steadyBefore(drain), contains(haproxy));
        assertFalse(pollers.polledSince(haproxy, drain));
        pollers.polled("10.0.0.1", "http", "HAProxy");
        assertTrue(pollers.polledSince(haproxy, drain));
    }

    @Test
    void aStrayRequestOrTwoIsNotSteady() {
        poll("10.0.0.2", 2, Duration.ofSeconds(1));
        assertThat(pollers.steadyBefore(clock.instant()), empty());
    }

    @Test
    void pollsAtIrregularIntervalsAreNotSteady() {
        for (Duration gap : new Duration[] {Duration.ofMillis(100), Duration.ofSeconds(9), Duration.ofMillis(200)}) {
            pollers.polled("10.0.0.3", "http", "curl");
            clock.advance(gap);
        }
        pollers.polled("10.0.0.3", "http", "curl");
        assertThat(pollers.steadyBefore(clock.instant()), empty());
    }

    @Test
    void aPollerThatStoppedPollingIsNotWaitedFor() {
        poll("10.0.0.4", 5, Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(30));
        assertThat(pollers.steadyBefore(clock.instant()), empty());
    }

    @Test
    void theSameAddressIsOnePollerPerKindAndUserAgent() {
        for (int i = 0; i < 4; i++) {
            pollers.polled("10.0.0.5", "http", "kube-probe/1.30");
            pollers.polled("10.0.0.5", "agent-check", "");
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(2, pollers.steadyBefore(clock.instant()).size());
    }

    @Test
    void atMost64PollersAreRememberedTheLeastRecentDropped() {
        for (int i = 0; i < 100; i++) {
            pollers.polled("10.1.0." + i, "http", "");
            clock.advance(Duration.ofMillis(10));
        }
        assertEquals(Pollers.MAX, pollers.size());
        assertTrue(pollers.polledSince(new Pollers.Key("10.1.0.99", "http", ""), Instant.EPOCH));
        assertFalse(pollers.polledSince(new Pollers.Key("10.1.0.0", "http", ""), Instant.EPOCH));
    }

    @Test
    void aLoadBalancerCheckingEvery30sIsSteadyAndObservesADrainOnlyAfterTheAskedNumberOfPolls() {
        poll("10.0.0.6", 4, Duration.ofSeconds(30));
        Instant drain = clock.instant();
        Pollers.Key alb = new Pollers.Key("10.0.0.6", "http", "HAProxy");
        assertThat(pollers.steadyBefore(drain), contains(alb));
        pollers.polled("10.0.0.6", "http", "HAProxy");
        assertTrue(pollers.polledSince(alb, drain, 1));
        assertFalse(pollers.polledSince(alb, drain, 2), "one failed check is not enough for a threshold of two");
        clock.advance(Duration.ofSeconds(30));
        pollers.polled("10.0.0.6", "http", "HAProxy");
        assertTrue(pollers.polledSince(alb, drain, 2));
    }
}
