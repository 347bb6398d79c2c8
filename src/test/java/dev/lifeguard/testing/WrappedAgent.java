package dev.lifeguard.testing;

import static io.restassured.RestAssured.given;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * The packaged Lifeguard as a real process wrapping a real command, with its stdout and stderr captured to files.
 * Closing it kills what is still running, by PID.
 */
public final class WrappedAgent implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path stdout;
    private final Path stderr;

    private WrappedAgent(Process process, int port, Path stdout, Path stderr) {
        this.process = process;
        this.port = port;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The test upstream's command line, serving on {@code port}. */
    public static List<String> testUpstream(int port, String... flags) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx32m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", Path.of("target", "test-classes").toString(),
                TestUpstream.class.getName(), Integer.toString(port)));
        cmd.addAll(List.of(flags));
        return cmd;
    }

    /**
     * Settings that make a wrapped test upstream on {@code port} quick to judge (probes every 250 ms, a 200 ms back-off,
     * a 2 s grace and hang window, a drain of at most 3 s, a side probe of 3 s to tell slow from hung), then {@code more} as {@code key, value, key, value...}.
     */
    public static Map<String, String> fastSettings(int port, String... more) {
        Map<String, String> s = new HashMap<>(Map.of(
                "lifeguard.upstream.url", "http://127.0.0.1:" + port + "/health",
                "lifeguard.upstream.interval", "250ms",
                "lifeguard.upstream.timeout", "250ms",
                "lifeguard.upstream.startup-grace", "30s",
                "lifeguard.restart.backoff", "200ms",
                "lifeguard.restart.grace", "2s",
                "lifeguard.restart.hang-after", "2s",
                "lifeguard.drain.timeout", "3s",
                "lifeguard.restart.slow-timeout", "3s"));
        for (int i = 0; i < more.length; i += 2) {
            s.put(more[i], more[i + 1]);
        }
        return s;
    }

    /** Starts Lifeguard with the given settings ({@code key=value}) wrapping {@code command}, or nothing when it is empty. */
    public static WrappedAgent start(Map<String, String> settings, List<String> command) throws IOException {
        return start(Ports.closed(), settings, command);
    }

    /** The same, with Lifeguard's HTTP port chosen by the caller (for a load balancer configured before it starts). */
    public static WrappedAgent start(int port, Map<String, String> settings, List<String> command) throws IOException {
        return start(port, settings, command, Map.of());
    }

    /** The same, with {@code env} added to Lifeguard's environment (e.g. {@code QUARKUS_*} variables). */
    public static WrappedAgent start(int port, Map<String, String> settings, List<String> command, Map<String, String> env) throws IOException {
        return start(port, settings, command, env, false);
    }

    /**
     * The same, with Lifeguard's stdout a pipe the test reads (or, as a stuck log collector, does not) through
     * {@code process().getInputStream()}; {@link #stdout()} is then not available.
     */
    public static WrappedAgent startPiped(int port, Map<String, String> settings, List<String> command) throws IOException {
        return start(port, settings, command, Map.of(), true);
    }

    private static WrappedAgent start(int port, Map<String, String> settings, List<String> command, Map<String, String> env, boolean piped)
            throws IOException {
        List<String> props = new ArrayList<>(List.of("-Dquarkus.http.port=" + port));
        settings.forEach((k, v) -> props.add("-D" + k + "=" + v));
        ProcessBuilder pb = Agent.command(props, env);
        pb.redirectErrorStream(false);
        if (!command.isEmpty()) {
            pb.command().add("--");
            pb.command().addAll(command);
        }
        Path out = piped ? null : Files.createTempFile("lifeguard-stdout", ".log");
        Path err = Files.createTempFile("lifeguard-stderr", ".log");
        pb.redirectOutput(piped ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.to(out.toFile()))
                .redirectError(err.toFile()).redirectInput(new File("/dev/null"));
        return new WrappedAgent(pb.start(), port, out, err);
    }

    public RequestSpecification http() {
        return given().baseUri("http://127.0.0.1").port(port);
    }

    public JsonPath status() {
        return status(port);
    }

    /** {@code /lifeguard/status} of a Lifeguard listening on {@code port}. */
    public static JsonPath status(int port) {
        return given().baseUri("http://127.0.0.1").port(port).get("/lifeguard/status").then().statusCode(200).extract().jsonPath();
    }

    /** Lifeguard's HTTP port. */
    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** The wrapped child's PID as Lifeguard reports it, -1 while there is none. */
    public long childPid() {
        return status().getLong("supervisor.pid");
    }

    public Process process() {
        return process;
    }

    public String stdout() throws IOException {
        if (stdout == null) {
            throw new IllegalStateException("stdout is piped: read process().getInputStream()");
        }
        return Files.readString(stdout);
    }

    public Path stdoutFile() {
        return stdout;
    }

    public Path stderrFile() {
        return stderr;
    }

    public String stderr() throws IOException {
        return Files.readString(stderr);
    }

    /** Sends a signal (a name such as STOP) to a process with the system's kill. */
    public static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -s " + name + " " + pid + " failed");
        }
    }

    @Override
    public void close() throws IOException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stdout != null) {
            Files.deleteIfExists(stdout);
        }
        Files.deleteIfExists(stderr);
    }
}
