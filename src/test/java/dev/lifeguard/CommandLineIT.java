package dev.lifeguard;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lifeguard.config.Executables;
import dev.lifeguard.testing.Agent;
import dev.lifeguard.testing.Ports;

/** The packaged agent's command line: what it prints and the status it exits with, before it serves anything. */
class CommandLineIT {

    private static Agent.Finished run(List<String> properties, String... args) throws Exception {
        List<String> props = new ArrayList<>(List.of("-Dquarkus.http.port=" + Ports.closed(),
                "-Dlifeguard.upstream.url=http://127.0.0.1:" + Ports.closed() + "/"));
        props.addAll(properties);
        var pb = Agent.command(props, Map.of());
        pb.command().addAll(List.of(args));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        return new Agent.Finished(p.waitFor(), output);
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() throws Exception {
        Agent.Finished help = run(List.of(), "--help");
        assertEquals(0, help.exitStatus(), help.output());
        assertThat(help.output(), allOf(containsString("usage: lifeguard [--help | --version | --check-config] [-- command [args...]]"),
                containsString("-Dlifeguard.<key>=<value>"), containsString("before -jar")));
    }

    @Test
    void versionPrintsTheVersionAlone() throws Exception {
        Agent.Finished version = run(List.of(), "--version");
        assertEquals(0, version.exitStatus(), version.output());
        assertThat(version.output().strip(), matchesPattern("lifeguard \\d+\\.\\d+\\.\\d+\\S*"));
    }

    @Test
    void checkConfigValidatesTheSettingsAndTheCommandWithoutStartingAnything() throws Exception {
        java.nio.file.Path ran = java.nio.file.Files.createTempDirectory("check-config").resolve("ran");
        Agent.Finished valid = run(List.of("-Dlifeguard.admin.token=s3cret-token-for-tests-0123456789"), "--check-config", "--", "touch", ran.toString());
        assertEquals(0, valid.exitStatus(), valid.output());
        assertThat(valid.output(), allOf(containsString("the configuration is valid"), not(containsString("Started process")),
                // The effective settings, defaults included, secrets masked.
                containsString("lifeguard.upstream.interval=500ms"), containsString("lifeguard.restart.hang-after=10s"),
                containsString("lifeguard.admin.token=***"), not(containsString("s3cret"))));
        assertEquals(false, java.nio.file.Files.exists(ran), "--check-config must not run the command");

        Agent.Finished badSetting = run(List.of("-Dlifeguard.upstream.interval=0s"), "--check-config");
        assertEquals(1, badSetting.exitStatus(), badSetting.output());
        assertThat(badSetting.output(), allOf(containsString("lifeguard.upstream.interval: must be positive"), not(containsString("\tat "))));

        Agent.Finished badCommand = run(List.of(), "--check-config", "--", "no-such-command-for-lifeguard");
        assertEquals(1, badCommand.exitStatus(), badCommand.output());
        assertThat(badCommand.output(), containsString("'no-such-command-for-lifeguard' is not found on the PATH"));
    }

    @Test
    void aCommandThatDoesNotExistStopsStartUpWith127AndOneMessage() throws Exception {
        Agent.Finished run = run(List.of(), "--", "no-such-command-for-lifeguard", "--flag");
        assertEquals(127, run.exitStatus(), run.output());
        assertThat(run.output(), allOf(containsString("lifeguard: cannot run the command after --: 'no-such-command-for-lifeguard' is not found"),
                not(containsString("Started process")), not(containsString("restarting")), not(containsString("\tat "))));
    }

    @Test
    void aCommandThatIsNotExecutableStopsStartUpWith126() throws Exception {
        java.nio.file.Path script = java.nio.file.Files.createTempFile("not-executable", ".sh");
        try {
            Agent.Finished run = run(List.of(), "--", script.toString());
            assertEquals(126, run.exitStatus(), run.output());
            assertThat(run.output(), allOf(containsString("is not executable"), not(containsString("Started process"))));
        } finally {
            java.nio.file.Files.deleteIfExists(script);
        }
    }

    @Test
    void aCommandThatExits127BeforeItEverAnsweredIsFatalNotACrashToRetry() throws Exception {
        Agent.Finished run = run(List.of("-Dlifeguard.restart.backoff=100ms"), "--", "sh", "-c", "exec no-such-command-for-lifeguard");
        assertEquals(127, run.exitStatus(), run.output());
        assertEquals(1, run.output().split("Started process", -1).length - 1, run.output());
        assertThat(run.output(), allOf(containsString("exited with status 127 (command not found)"), containsString("before it ever answered"),
                not(containsString("restarting in"))));
    }

    @Test
    void lifeguardsOwnPortInUseIsOneLineNamingTheSettingAndExit1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            for (List<String> args : List.of(List.<String>of(), List.of("--", "sleep", "30"))) {
                Agent.Finished run = run(List.of("-Dquarkus.http.port=" + taken.getLocalPort(), "-Dquarkus.http.host=127.0.0.1"),
                        args.toArray(String[]::new));
                assertEquals(1, run.exitStatus(), run.output());
                assertEquals(List.of("lifeguard: cannot listen on port " + taken.getLocalPort() + ": it is in use by another process. "
                        + "Set quarkus.http.port (-Dquarkus.http.port=PORT, or QUARKUS_HTTP_PORT=PORT) to a free port, or stop what listens there "
                        + "(ss -ltnp 'sport = :" + taken.getLocalPort() + "')."), run.output().lines().toList(), run.output());
            }
        }
    }

    @Test
    void aSettingGivenAfterTheJarIsRefusedWithWhereItBelongs() throws Exception {
        // Only java -jar can put one there: the launcher hands -D options to the JVM wherever they stand before --.
        var pb = Agent.javaJar(List.of("-Dquarkus.http.port=" + Ports.closed()), Map.of());
        pb.command().add("-Dlifeguard.upstream.url=http://127.0.0.1:8080/");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        Agent.Finished run = new Agent.Finished(p.waitFor(), output);
        assertEquals(2, run.exitStatus(), run.output());
        assertThat(run.output(), containsString("-D options go before -jar"));
    }

    @Test
    void aLauncherWithoutJavaExits127SayingWhatToSet() throws Exception {
        Path noJdk = Files.createTempDirectory("no-jdk");
        Process p = Agent.command(List.of("-Dquarkus.http.port=" + Ports.closed()), Map.of("JAVA_HOME", noJdk.toString())).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(127, p.waitFor(), output);
        assertThat(output, containsString("JAVA_HOME=" + noJdk + " has no bin/java: point it at a JDK or JRE 17+, or unset it"));
    }

    @Test
    void aChildThatCannotBeStartedAgainEndsLifeguardWith127() throws Exception {
        // Lifeguard starts the child through setsid, looked up on its PATH at every start: this PATH loses it before
        // the restart.
        Path bin = Files.createTempDirectory("path");
        for (String tool : List.of("setsid", "setpriv", "kill", "mkfifo")) {
            Files.createSymbolicLink(bin.resolve(tool), Executables.resolve(tool).orElseThrow());
        }
        var pb = Agent.command(List.of("-Dquarkus.http.port=" + Ports.closed(), "-Dlifeguard.upstream.url=http://127.0.0.1:" + Ports.closed() + "/",
                "-Dlifeguard.restart.backoff=100ms"), Map.of("PATH", bin.toString()));
        pb.command().addAll(List.of("--", Executables.resolve("sleep").orElseThrow().toString(), "600"));
        Process p = pb.start();
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(p.getInputStream().readAllBytes()));
            } catch (java.io.IOException e) {
                output.append(e);
            }
        });
        reader.start();
        try {
            Pattern started = Pattern.compile("Started process (\\d+)");
            // The output is read whole at the end; until then, the child is found by its parent.
            long child = await().atMost(Duration.ofSeconds(30)).until(() -> p.toHandle().children().filter(h -> h.info().command()
                    .map(c -> c.endsWith("sleep")).orElse(false)).findFirst(), java.util.Optional::isPresent).orElseThrow().pid();
            Files.delete(bin.resolve("setsid"));
            ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "Lifeguard did not end");
            reader.join();
            assertEquals(127, p.exitValue(), output.toString());
            Matcher m = started.matcher(output);
            assertTrue(m.find() && Long.parseLong(m.group(1)) == child, output.toString());
            assertThat(output.toString(), allOf(containsString("Cannot start setsid"), containsString("was killed by SIGKILL")));
        } finally {
            p.destroyForcibly();
        }
    }
}
