package dev.lifeguard.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import dev.lifeguard.config.Executables;

/**
 * Debian's Chromium, headless, run as a process for one page: the DOM after the page loaded, what its console said,
 * and a screenshot. Started without any network of its own beyond the page (no background requests, no sync), with an
 * empty profile each time.
 */
public final class Chromium {

    /** The page after load, and the console messages and errors Chromium logged meanwhile. Immutable. */
    public record Rendered(String dom, List<String> console) {
    }

    private static final String BINARY = "chromium";

    private Chromium() {
    }

    /** Skips the test where Chromium is missing, unless CI says it must be there. */
    public static void assumeInstalled() {
        boolean installed = Executables.runnable(BINARY);
        if (!installed && "1".equals(System.getenv("CI_REQUIRE_CHROMIUM"))) {
            throw new AssertionError("chromium is not installed, and CI_REQUIRE_CHROMIUM=1: install Debian's chromium package");
        }
        Assumptions.assumeTrue(installed, "chromium is not installed: skipping the status page tests (apt-get install chromium)");
    }

    /** Loads {@code url} and returns the DOM after load with the console's lines; also writes a screenshot to {@code png}. */
    public static Rendered render(String url, Path png) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("lifeguard-chromium");
        try {
            List<String> common = List.of(BINARY, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--enable-logging=stderr", "--v=0", "--window-size=1280,1100");
            List<String> dump = new ArrayList<>(common);
            dump.addAll(List.of("--dump-dom", url));
            Finished dom = run(dump, profile.resolve("dump.err"));
            List<String> shot = new ArrayList<>(common);
            shot.addAll(List.of("--screenshot=" + png.toAbsolutePath(), "--hide-scrollbars", url));
            run(shot, profile.resolve("shot.err"));
            List<String> console = dom.stderr().lines().filter(l -> l.contains("CONSOLE")).toList();
            return new Rendered(dom.stdout(), console);
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private record Finished(String stdout, String stderr) {
    }

    private static Finished run(List<String> command, Path stderr) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("chromium did not finish within 60 s: " + command);
        }
        return new Finished(out, Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
