package dev.lifeguard.watch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.config.Target;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/** What a verdict says to a person. */
class VerdictTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final CheckSpec SPEC = new CheckSpec("upstream", new Target.Tcp("127.0.0.1", 8080), Duration.ofSeconds(1), Duration.ofMillis(100),
            Duration.ofSeconds(1), 2, 1, Duration.ZERO, true);

    @Test
    void aReadyCheckWhoseLastProbeFailedSaysSoWithTheCauseAndHowManyFailuresAreLeft() {
        Verdict ready = Hysteresis.next(Verdict.initial(SPEC, T0),
                ProbeResult.ok("connected to 127.0.0.1:8080", Duration.ofMillis(1), T0.plusSeconds(1), 0), T0);
        Verdict failing = Hysteresis.next(ready,
                ProbeResult.failed(Cause.CONNECTION_RESET, "SocketException: Connection reset", Duration.ofMillis(1), T0.plusSeconds(2), 0), T0);
        assertThat(failing.explanation(), allOf(not(startsWith("Ready:")), startsWith("Ready, but the last probe failed"),
                containsString("connection_reset, 1 of 2 failures before not ready"), containsString("SocketException: Connection reset")));
    }

    @Test
    void aStartingCheckWhoseLastProbeFailedDoesNotSayItAnswered() {
        CheckSpec graced = new CheckSpec("upstream", SPEC.target(), SPEC.interval(), SPEC.fastInterval(), SPEC.timeout(), 2, 1, Duration.ofSeconds(30), true);
        Verdict starting = Hysteresis.next(Verdict.initial(graced, T0),
                ProbeResult.failed(Cause.CONNECTION_REFUSED, "Connection refused", Duration.ofMillis(1), T0.plusSeconds(1), 0), T0);
        starting = Hysteresis.next(starting,
                ProbeResult.failed(Cause.CONNECTION_REFUSED, "Connection refused", Duration.ofMillis(1), T0.plusSeconds(2), 0), T0);
        assertThat(starting.explanation(), allOf(startsWith("Starting, the last probe failed (connection_refused"),
                not(containsString("answered"))));
    }
}
