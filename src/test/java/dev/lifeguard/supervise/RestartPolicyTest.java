package dev.lifeguard.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.lifeguard.config.RestartConfig.BudgetSpent;
import dev.lifeguard.config.RestartConfig.RestartPolicyKind;
import dev.lifeguard.config.SupervisionSpec;

/** Back-off and budget in virtual time. */
class RestartPolicyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static RestartPolicy policy(int maxRestarts) {
        return new RestartPolicy(new SupervisionSpec(RestartPolicyKind.ALWAYS, Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(60), maxRestarts, BudgetSpent.STAY, Duration.ofMinutes(10), true, true, Duration.ofSeconds(30),
                Optional.empty(), Optional.empty(), Optional.<Pattern>empty()));
    }

    @Test
    void doublesTheBackoffUpToItsCeiling() {
        RestartPolicy p = policy(100);
        assertEquals(Optional.of(Duration.ofSeconds(1)), p.onDeath(T0));
        assertEquals(Optional.of(Duration.ofSeconds(2)), p.onDeath(T0.plusSeconds(5)));
        assertEquals(Optional.of(Duration.ofSeconds(4)), p.onDeath(T0.plusSeconds(10)));
        assertEquals(Optional.of(Duration.ofSeconds(8)), p.onDeath(T0.plusSeconds(20)));
        assertEquals(Optional.of(Duration.ofSeconds(8)), p.onDeath(T0.plusSeconds(40)));
    }

    @Test
    void aStretchOfHealthyRunningResetsTheBackoff() {
        RestartPolicy p = policy(100);
        p.onDeath(T0);
        p.onDeath(T0.plusSeconds(5));
        p.healthy(T0.plusSeconds(10), T0.plusSeconds(69));
        assertEquals(Optional.of(Duration.ofSeconds(4)), p.onDeath(T0.plusSeconds(70)));
        p.healthy(T0.plusSeconds(80), T0.plusSeconds(140));
        assertEquals(Optional.of(Duration.ofSeconds(1)), p.onDeath(T0.plusSeconds(150)));
    }

    @Test
    void spendsTheBudgetWithinTheWindowThenRefuses() {
        RestartPolicy p = policy(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(true, p.onDeath(T0.plusSeconds(i)).isPresent());
        }
        assertEquals(Optional.empty(), p.onDeath(T0.plusSeconds(30)));
        assertEquals(3, p.used(T0.plusSeconds(30)));
        // Outside the window the old restarts no longer count.
        assertEquals(true, p.onDeath(T0.plusSeconds(11 * 60)).isPresent());
    }

    @Test
    void anOperatorsResetRestoresBudgetAndBackoff() {
        RestartPolicy p = policy(1);
        p.onDeath(T0);
        assertEquals(Optional.empty(), p.onDeath(T0.plusSeconds(1)));
        p.reset();
        assertEquals(Optional.of(Duration.ofSeconds(1)), p.onDeath(T0.plusSeconds(2)));
    }
}
