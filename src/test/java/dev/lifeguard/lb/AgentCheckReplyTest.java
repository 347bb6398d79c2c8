package dev.lifeguard.lb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.lifeguard.diagnose.Degraded;
import dev.lifeguard.watch.Admission;
import dev.lifeguard.watch.Admission.Status;

/** The agent-check line for every admission, in HAProxy 2.6's words. */
class AgentCheckReplyTest {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    private static Admission admission(Status status, String code, String explanation) {
        return new Admission(status, "upstream", code, "The long explanation. " + explanation, explanation, T0);
    }

    @Test
    void readyIsUpAtFullWeightAndTheAdministrativeReadyOnlyWhenAskedFor() {
        Admission ready = admission(Status.READY, "ok", "Ready: every check passes.");
        assertEquals("up 100%\n", AgentCheckReply.of(ready, Optional.empty(), false, Duration.ZERO, T0));
        assertEquals("ready up 100%\n", AgentCheckReply.of(ready, Optional.empty(), true, Duration.ZERO, T0));
    }

    @Test
    void drainingIsWeightZeroWithTheReasonAndTheAdministrativeDrainOnlyWhenAskedFor() {
        Admission draining = admission(Status.DRAINING, "draining", "Lifeguard is stopping");
        assertEquals("up 0% #draining: Lifeguard is stopping\n", AgentCheckReply.of(draining, Optional.empty(), false, Duration.ZERO, T0));
        assertEquals("drain #draining: Lifeguard is stopping\n", AgentCheckReply.of(draining, Optional.empty(), true, Duration.ZERO, T0));
    }

    @Test
    void notReadyIsDownWithTheCauseAndExplanation() {
        Admission killed = admission(Status.NOT_READY, "killed", "The service's process was killed by a signal. process 42 was killed by SIGKILL.");
        assertEquals("down #killed: The service's process was killed by a signal. process 42 was killed by SIGKILL.\n",
                AgentCheckReply.of(killed, Optional.empty(), false, Duration.ZERO, T0));
        assertEquals("down #crash_loop: budget spent\n", AgentCheckReply.of(admission(Status.NOT_READY, "crash_loop", "budget spent"), Optional.empty(), true,
                Duration.ZERO, T0));
    }

    @Test
    void aLongOrHostileExplanationBecomesOneShortLineOfPrintableAscii() {
        String hostile = "caf\u00e9 \u2603 line one\r\nline two\u0000\u0007 " + "x".repeat(500);
        String line = AgentCheckReply.of(admission(Status.NOT_READY, "bad_status", hostile), Optional.empty(), false, Duration.ZERO, T0);
        assertThat(line.getBytes(StandardCharsets.US_ASCII).length, lessThanOrEqualTo(AgentCheckReply.MAX_BYTES));
        assertThat(line, endsWith("...\n"));
        assertThat(line, startsWith("down #bad_status: caf? ? line one line two?? xxx"));
        assertThat(line.substring(0, line.length() - 1), matchesPattern("[\\x20-\\x7e]+"));
    }

    @Test
    void theWeightRampsFromTenToAHundredPercentOverTheWarmUp() {
        Admission ready = admission(Status.READY, "ok", "Ready.");
        Duration warmup = Duration.ofSeconds(10);
        assertEquals("up 10%\n", AgentCheckReply.of(ready, Optional.empty(), false, warmup, T0));
        assertEquals("up 55%\n", AgentCheckReply.of(ready, Optional.empty(), false, warmup, T0.plusSeconds(5)));
        assertEquals("up 100%\n", AgentCheckReply.of(ready, Optional.empty(), false, warmup, T0.plusSeconds(10)));
        assertEquals("up 100%\n", AgentCheckReply.of(ready, Optional.empty(), false, warmup, T0.plusSeconds(60)));
    }

    @Test
    void aDegradedUpstreamIsUpAtTheDegradedWeightWithItsFirstSign() {
        Admission ready = admission(Status.READY, "ok", "");
        Optional<Degraded> degraded = Optional.of(new Degraded(T0, List.of("answers take 70% of the probe's timeout", "another sign"), 50));
        assertEquals("up 50% #degraded: answers take 70% of the probe's timeout\n", AgentCheckReply.of(ready, degraded, false, Duration.ZERO, T0));
        // Warming up from below the degraded weight: the lower of the two.
        assertEquals("up 10% #degraded: answers take 70% of the probe's timeout\n",
                AgentCheckReply.of(ready, degraded, false, Duration.ofSeconds(10), T0));
    }
}
