package dev.lifeguard.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.lifeguard.config.RestartConfig.RestartPolicyKind;
import dev.lifeguard.testing.TestConfig;

/** Restart, admin and process settings through the real SmallRye mapping. */
class SupervisionSpecTest {

    private static SupervisionSpec spec(String... keyValues) {
        return SupervisionSpec.from(TestConfig.of(keyValues));
    }

    private static InvalidConfigException invalid(String... keyValues) {
        return assertThrows(InvalidConfigException.class, () -> spec(keyValues));
    }

    @Test
    void defaultsRestartAlwaysWithBackoffAndABudget() {
        SupervisionSpec s = spec();
        assertEquals(RestartPolicyKind.ALWAYS, s.policy());
        assertEquals(Duration.ofSeconds(10), s.grace());
        assertEquals(Duration.ofSeconds(1), s.backoff());
        assertEquals(Duration.ofSeconds(30), s.backoffMax());
        assertEquals(5, s.maxRestarts());
        assertEquals(Duration.ofMinutes(10), s.window());
        assertEquals(Optional.empty(), s.adminToken());
        assertEquals(false, s.locatesProcess());
    }

    @Test
    void readsThePolicyInKebabCase() {
        assertEquals(RestartPolicyKind.ON_FAILURE, spec("lifeguard.restart.policy", "on-failure").policy());
    }

    @Test
    void refusesAnUnknownPolicyNamingTheAcceptedOnes() {
        InvalidConfigException e = invalid("lifeguard.restart.policy", "sometimes");
        assertEquals("lifeguard.restart.policy", e.key());
        assertThat(e.getMessage(), org.hamcrest.Matchers.allOf(containsString("'sometimes' is not a restart policy"),
                containsString("write always, on-failure or never")));
        assertEquals(RestartPolicyKind.ON_FAILURE, spec("lifeguard.restart.policy", "ON_FAILURE").policy());
        assertEquals(RestartPolicyKind.NEVER, spec("lifeguard.restart.policy", "Never").policy());
    }

    @Test
    void refusesNonNumbersAndNonBooleans() {
        InvalidConfigException e = invalid("lifeguard.restart.max-restarts", "five");
        assertEquals("lifeguard.restart.max-restarts", e.key());
        assertThat(e.getMessage(), containsString("'five' is not a whole number"));
        e = invalid("lifeguard.restart.thread-dump", "nope");
        assertEquals("lifeguard.restart.thread-dump", e.key());
        assertThat(e.getMessage(), containsString("'nope' is neither true nor false; write true or false"));
        assertEquals(false, spec("lifeguard.restart.thread-dump", "false").threadDump());
    }

    @Test
    void readsTheTokenFromAFileWithoutItsNewline() throws Exception {
        Path file = Files.createTempFile("token", "");
        try {
            Files.writeString(file, "0123456789abcdef-token\n");
            assertEquals(Optional.of("0123456789abcdef-token"), spec("lifeguard.admin.token-file", file.toString()).adminToken());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void refusesAShortTokenAnUnreadableFileAndBoth() {
        assertThat(invalid("lifeguard.admin.token", "short").getMessage(), containsString("shorter than 16 characters"));
        assertEquals("lifeguard.admin.token-file", invalid("lifeguard.admin.token-file", "/nonexistent/token").key());
        assertEquals("lifeguard.admin.token-file",
                invalid("lifeguard.admin.token", "0123456789abcdef", "lifeguard.admin.token-file", "/etc/hostname").key());
    }

    @Test
    void refusesABackoffCeilingBelowTheFirstBackoff() {
        InvalidConfigException e = invalid("lifeguard.restart.backoff", "5s", "lifeguard.restart.backoff-max", "1s");
        assertEquals("lifeguard.restart.backoff-max", e.key());
    }

    @Test
    void refusesNonPositiveDurations() {
        assertEquals("lifeguard.restart.hang-after", invalid("lifeguard.restart.hang-after", "0s").key());
        assertEquals("lifeguard.restart.grace", invalid("lifeguard.restart.grace", "-1s").key());
    }

    @Test
    void refusesADurationWithoutAUnitForEveryRestartDurationKey() {
        for (String key : java.util.List.of("lifeguard.restart.grace", "lifeguard.restart.hang-after", "lifeguard.restart.backoff",
                "lifeguard.restart.backoff-max", "lifeguard.restart.reset-after", "lifeguard.restart.window")) {
            InvalidConfigException e = invalid(key, "10");
            assertEquals(key, e.key());
            assertThat(e.getMessage(), org.hamcrest.Matchers.allOf(containsString(key + ": '10' has no unit"),
                    containsString("500ms, 2s, 1m, 1h")));
        }
    }

    @Test
    void findsTheProcessByCommandLineOrByPidfileVerifiedByCommandLine() {
        assertEquals(true, spec("lifeguard.process.match", "java .*app.jar").locatesProcess());
        SupervisionSpec both = spec("lifeguard.process.match", "java .*app.jar", "lifeguard.process.pidfile", "/run/app.pid");
        assertEquals(true, both.pidfile().isPresent() && both.match().isPresent());
        assertThat(invalid("lifeguard.process.match", "java (").getMessage(), containsString("is not a regular expression"));
    }
}
