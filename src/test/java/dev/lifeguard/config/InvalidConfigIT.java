package dev.lifeguard.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Agent;

/** The packaged agent refuses to start on bad configuration with one clear message and a non-zero status. */
class InvalidConfigIT {

    private static Agent.Finished start(Map<String, String> env, String... properties) throws Exception {
        List<String> props = new java.util.ArrayList<>(List.of("-Dquarkus.http.port=0"));
        props.addAll(List.of(properties));
        return Agent.run(props, env);
    }

    private static void assertRefused(Agent.Finished run, String key, String fix) {
        assertNotEquals(0, run.exitStatus(), run.output());
        assertThat(run.output(), allOf(containsString(key), containsString(fix), not(containsString("\tat "))));
    }

    /** Exit status 1 and one line naming what is wrong and what to write: no stack trace, no SmallRye code. */
    private static void assertRefusedInOneLine(Agent.Finished run, String... expected) {
        assertEquals(1, run.exitStatus(), run.output());
        assertEquals(1, run.output().strip().lines().count(), run.output());
        for (String text : expected) {
            assertThat(run.output(), containsString(text));
        }
        assertThat(run.output(), allOf(not(containsString("\tat ")), not(containsString("SRCFG"))));
    }

    @Test
    void refusesADurationWithoutAUnit() throws Exception {
        assertRefusedInOneLine(start(Map.of(), "-Dlifeguard.upstream.interval=500"), "lifeguard.upstream.interval: '500' has no unit",
                "500ms, 2s, 1m, 1h");
    }

    @Test
    void refusesADurationWithoutAUnitGivenAsAnEnvironmentVariable() throws Exception {
        assertRefusedInOneLine(start(Map.of("LIFEGUARD_RESTART_HANG_AFTER", "10")), "lifeguard.restart.hang-after: '10' has no unit",
                "500ms, 2s, 1m, 1h");
    }

    @Test
    void refusesANonPositiveInterval() throws Exception {
        assertRefused(start(Map.of(), "-Dlifeguard.upstream.interval=0s"), "lifeguard.upstream.interval: must be positive", "write e.g. 1s");
    }

    @Test
    void refusesAnUnknownSchemeGivenAsAnEnvironmentVariable() throws Exception {
        assertRefused(start(Map.of("LIFEGUARD_UPSTREAM_URL", "ftp://127.0.0.1/")), "lifeguard.upstream.url: unknown scheme 'ftp'",
                "use http, https or tcp");
    }

    @Test
    void refusesATimeoutLongerThanTheInterval() throws Exception {
        assertRefused(start(Map.of(), "-Dlifeguard.upstream.timeout=5s"), "lifeguard.upstream.timeout", "at most equal to lifeguard.upstream.interval");
    }

    @Test
    void refusesAnExecCommandThatDoesNotExist() throws Exception {
        assertRefused(start(Map.of(), "-Dlifeguard.upstream.exec=no-such-check-command"), "lifeguard.upstream.exec",
                "give its absolute path");
    }

    @Test
    void refusesAValueThatIsNotADuration() throws Exception {
        assertRefused(start(Map.of(), "-Dlifeguard.upstream.interval=often"), "lifeguard.upstream.interval", "often");
    }

    @Test
    void refusesACommandWithoutTheSeparatorWithStatus2() throws Exception {
        List<String> props = List.of("-Dquarkus.http.port=0");
        var pb = Agent.command(props, Map.of());
        pb.command().addAll(List.of("python3", "-m", "http.server"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(2, p.waitFor(), output);
        assertThat(output, allOf(containsString("unexpected arguments [python3, -m, http.server]"), containsString("usage: lifeguard [-- command")));
    }

    @Test
    void refusesAGivenCommandInSidecarMode() throws Exception {
        var pb = Agent.command(List.of("-Dquarkus.http.port=0", "-Dlifeguard.process.match=app"), Map.of());
        pb.command().addAll(List.of("--", "sleep", "5"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertNotEquals(0, p.waitFor(), output);
        assertThat(output, containsString("do not also give a command after --"));
    }
}
