package dev.lifeguard.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Agent;

/** The packaged agent refuses to start on bad configuration with one clear message and a non-zero status. */
class InvalidConfigIT {

    private static Agent.Finished start(Map<String, String> env, String... properties) throws Exception {
        List<String> props = new ArrayList<>(List.of("-Dquarkus.http.port=0"));
        props.addAll(List.of(properties));
        return finish(Agent.command(props, env));
    }

    /** Runs the agent, which must end by itself within 30 s (one that starts instead fails the test, and is ended). */
    private static Agent.Finished finish(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        try {
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes());
                } catch (IOException e) {
                    return e.toString();
                }
            });
            boolean ended = p.waitFor(30, TimeUnit.SECONDS);
            if (!ended) {
                p.destroy();
            }
            String text = output.get(10, TimeUnit.SECONDS);
            assertTrue(ended, "the agent started instead of refusing the configuration:\n" + text);
            return new Agent.Finished(p.exitValue(), text);
        } finally {
            p.destroy();
        }
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
    void refusesAGrpcUrlWithoutAPortNamingTheKey() throws Exception {
        assertRefusedInOneLine(start(Map.of(), "-Dlifeguard.checks.payments.url=grpc://127.0.0.1"),
                "lifeguard.checks.payments.url: 'grpc://127.0.0.1' has no port", "grpc://host:port");
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
    void refusesAValueThatIsNotADurationInOneLine() throws Exception {
        assertRefusedInOneLine(start(Map.of(), "-Dlifeguard.upstream.interval=abc"), "lifeguard.upstream.interval: 'abc' is not a duration",
                "500ms, 2s, 1m, 1h");
    }

    @Test
    void refusesAPortAbove65535AtStartUpWithTheUrlMasked() throws Exception {
        Agent.Finished run = start(Map.of("LIFEGUARD_CHECKS_DB_URL", "tcp://admin:hunter2@127.0.0.1:70000"),
                "-Dlifeguard.upstream.url=http://127.0.0.1:8080/");
        assertRefusedInOneLine(run, "lifeguard.checks.db.url: the port 70000 in 'tcp://***@127.0.0.1:70000' is outside 1 to 65535",
                "write e.g. tcp://127.0.0.1:5432");
        assertThat(run.output(), not(containsString("hunter2")));
    }

    @Test
    void refusesAMisspelledKeyNamingTheClosestOne() throws Exception {
        assertRefusedInOneLine(start(Map.of(), "-Dlifeguard.upstream.intervall=2s"), "lifeguard.upstream.intervall", "'2s'",
                "did you mean lifeguard.upstream.interval?");
    }

    @Test
    void refusesAMisspelledKeyInAPropertiesFile() throws Exception {
        Path dir = Files.createTempDirectory("lifeguard-config");
        try {
            Files.createDirectories(dir.resolve("config"));
            Files.writeString(dir.resolve("config/application.properties"), "lifeguard.restart.hangafter=5s\n");
            ProcessBuilder pb = Agent.command(List.of("-Dquarkus.http.port=0"), Map.of()).directory(dir.toFile());
            pb.command().replaceAll(arg -> arg.endsWith("quarkus-run.jar") ? Path.of(arg).toAbsolutePath().toString() : arg);
            assertRefusedInOneLine(finish(pb), "lifeguard.restart.hangafter", "'5s'",
                    "did you mean lifeguard.restart.hang-after?");
        } finally {
            Files.deleteIfExists(dir.resolve("config/application.properties"));
            Files.deleteIfExists(dir.resolve("config"));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void refusesAThresholdThatIsNotANumber() throws Exception {
        assertRefusedInOneLine(start(Map.of(), "-Dlifeguard.upstream.failure-threshold=two"),
                "lifeguard.upstream.failure-threshold: 'two' is not a whole number", "write e.g. 1, 2 or 3");
    }

    @Test
    void refusesAnUnknownRestartPolicy() throws Exception {
        assertRefusedInOneLine(start(Map.of(), "-Dlifeguard.restart.policy=sometimes"), "lifeguard.restart.policy: 'sometimes' is not a restart policy",
                "write always, on-failure or never");
    }

    @Test
    void refusesABooleanThatIsNeitherTrueNorFalse() throws Exception {
        assertRefusedInOneLine(start(Map.of(), "-Dlifeguard.upstream.tls.skip-verify=yes"),
                "lifeguard.upstream.tls.skip-verify: 'yes' is neither true nor false", "write true or false");
    }

    @Test
    void warnsAboutAnUnknownEnvironmentVariableAndStarts() throws Exception {
        String output = startedOutput("Watching db: ", Map.of("LIFEGUARD_UPSTREAM_INTERVALL", "2s", "LIFEGUARD_CHECKS_DB_URL", "tcp://127.0.0.1:1",
                "LIFEGUARD_CHECKS_MY_DB_URL", "tcp://127.0.0.1:2"));
        List<String> warnings = output.lines().filter(l -> l.contains("WARN") && l.contains("LIFEGUARD_UPSTREAM_INTERVALL")).toList();
        assertEquals(1, warnings.size(), output);
        assertThat(warnings.get(0), containsString("did you mean LIFEGUARD_UPSTREAM_INTERVAL?"));
        assertThat(output, containsString("Watching db: tcp://127.0.0.1:1"));
        assertEquals(1, output.lines().filter(l -> l.contains("WARN") && l.contains("LIFEGUARD_CHECKS_MY_DB_URL")).count(), output);
        assertThat(output, allOf(not(containsString("\tat ")), not(containsString("SRCFG"))));
    }

    @Test
    void logsTheEffectiveSettingsOnceAtStartUpWithSecretsMasked() throws Exception {
        String output = startedOutput("Effective settings:", Map.of(), "-Dlifeguard.admin.token=s3cret-token-for-tests-0123456789",
                "-Dlifeguard.restart.hang-after=7s");
        String line = output.lines().filter(l -> l.contains("Effective settings:")).findFirst().orElseThrow();
        assertThat(line, allOf(containsString("lifeguard.restart.hang-after=7s"), containsString("lifeguard.upstream.interval=500ms"),
                containsString("lifeguard.admin.token=***"), not(containsString("s3cret"))));
    }

    /** Starts the agent, returns its output up to the first line that contains {@code until}, and ends it. */
    private static String startedOutput(String until, Map<String, String> env, String... properties) throws Exception {
        List<String> props = new ArrayList<>(List.of("-Dquarkus.http.port=0"));
        props.addAll(List.of(properties));
        Process p = Agent.command(props, env).start();
        StringBuffer out = new StringBuffer();
        try {
            CompletableFuture<Boolean> listening = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        out.append(line).append('\n');
                        if (line.contains(until)) {
                            return true;
                        }
                    }
                } catch (IOException e) {
                    out.append(e).append('\n');
                }
                return false;
            });
            assertTrue(listening.get(60, TimeUnit.SECONDS), out.toString());
            return out.toString();
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusesANonPositiveInterval() throws Exception {
        assertRefused(start(Map.of(), "-Dlifeguard.upstream.interval=0s"), "lifeguard.upstream.interval: must be positive", "write e.g. 1s");
    }

    @Test
    void refusesAnUnknownSchemeGivenAsAnEnvironmentVariable() throws Exception {
        assertRefused(start(Map.of("LIFEGUARD_UPSTREAM_URL", "ftp://127.0.0.1/")), "lifeguard.upstream.url: unknown scheme 'ftp'",
                "use http, https, grpc, grpcs or tcp");
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
        assertThat(output, allOf(containsString("unexpected arguments [python3, -m, http.server]"), containsString("usage: lifeguard [--help | --version | --check-config] [-- command")));
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
