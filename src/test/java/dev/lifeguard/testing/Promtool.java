package dev.lifeguard.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import dev.lifeguard.config.Executables;

/**
 * Prometheus's promtool (Debian's prometheus package), run to its end. CI installs it and sets
 * {@code CI_REQUIRE_PROMTOOL=1}, which turns a missing one into a failure; elsewhere the tests that need it are skipped
 * with a message.
 */
public final class Promtool {

    private Promtool() {
    }

    /** Skips the calling test where promtool is not installed, or fails it where CI requires it. */
    public static void assumeInstalled() {
        boolean installed = Executables.runnable("promtool");
        if (!installed && "1".equals(System.getenv("CI_REQUIRE_PROMTOOL"))) {
            throw new AssertionError("promtool is not installed, and CI_REQUIRE_PROMTOOL=1: install Debian's prometheus package");
        }
        Assumptions.assumeTrue(installed, "promtool is not installed: skipping the promtool tests (apt-get install prometheus)");
    }

    /** Runs {@code promtool args...} in the current directory; killed, by PID, after a minute. */
    public static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", args) + " did not end within a minute");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    public record Result(int exitStatus, String output) {
    }
}
