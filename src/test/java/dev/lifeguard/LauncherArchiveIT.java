package dev.lifeguard;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lifeguard.testing.Agent;

/**
 * The launcher's choice of start-up archive: the AOT cache {@code app.aot} on JDK 25+, the AppCDS archive otherwise.
 * Each test runs a copy of the packaged directory (links to its jars, a copy of the launcher, no archive) so that it
 * can place an archive of its own beside the launcher.
 */
class LauncherArchiveIT {

    private static final Path PACKAGED = Path.of("target", "quarkus-app").toAbsolutePath();

    /** Where Debian, Temurin's packages and most images put JDKs; JDK25_HOME names another. */
    private static final Path JVM_DIR = Path.of("/usr/lib/jvm");

    @TempDir
    Path app;

    @BeforeEach
    void linkThePackagedApplication() throws IOException {
        assumeTrue(System.getProperty("native.image.path") == null
                || !Files.isExecutable(Path.of(System.getProperty("native.image.path"))), "the native executable has no launcher");
        try (Stream<Path> entries = Files.list(PACKAGED)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.equals("lifeguard")) {
                    Files.copy(entry, app.resolve(name));
                } else if (!name.equals("app-cds.jsa") && !name.equals("app.aot")) {
                    Files.createSymbolicLink(app.resolve(name), entry);
                }
            }
        }
    }

    @Test
    void anAotCacheTheJdkCannotUseIsLeftOutAndTheAgentStartsQuietly() throws Exception {
        // JDK 17 refuses -XX:AOTCache as an unknown option; JDK 25 reports a cache it cannot map. Neither may show.
        Files.writeString(app.resolve("app.aot"), "not an AOT cache");
        Agent.Finished version = launch(Agent.javaHome(), "");
        assertEquals(0, version.exitStatus(), version.output());
        assertThat(version.output().strip(), matchesPattern("lifeguard \\d+\\.\\d+\\.\\d+\\S*"));
    }

    @Test
    void onJdk25TheLauncherStartsTheJvmWithTheAotCacheBesideIt() throws Exception {
        Optional<Path> jdk25 = jdk(25);
        assumeTrue(jdk25.isPresent(), "no JDK 25+ in JDK25_HOME or under " + JVM_DIR + ": the AOT cache branch is not run");
        // A training run through the launcher itself: with -XX:AOTCacheOutput it adds no archive of its own.
        Agent.Finished training = launch(jdk25.get(), "-XX:AOTCacheOutput=" + app.resolve("app.aot"));
        assertEquals(0, training.exitStatus(), training.output());
        assertTrue(Files.size(app.resolve("app.aot")) > 0, training.output());

        Agent.Finished run = launch(jdk25.get(), "-Xlog:class+load=info");
        assertEquals(0, run.exitStatus(), run.output());
        assertThat(run.output(), containsString("dev.lifeguard.Lifeguard source: shared objects file"));
    }

    /** {@code lifeguard --version} from the copy, with that JDK and the launcher's default flags plus {@code append}. */
    private Agent.Finished launch(Path javaHome, String append) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("env", "JAVA_HOME=" + javaHome, "JAVA_OPTS=", "JAVA_OPTS_APPEND=" + append,
                app.resolve("lifeguard").toString(), "--version"));
        Process p = new ProcessBuilder(cmd).directory(app.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        return new Agent.Finished(p.waitFor(), output);
    }

    /** A JDK of at least that feature version: JDK25_HOME, else one under /usr/lib/jvm, by its release file. */
    private static Optional<Path> jdk(int feature) throws IOException {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("JDK25_HOME")).map(Path::of).ifPresent(candidates::add);
        if (Files.isDirectory(JVM_DIR)) {
            try (Stream<Path> homes = Files.list(JVM_DIR)) {
                homes.sorted().forEach(candidates::add);
            }
        }
        for (Path home : candidates) {
            if (Files.isExecutable(home.resolve("bin").resolve("java")) && featureVersion(home) >= feature) {
                return Optional.of(home);
            }
        }
        return Optional.empty();
    }

    private static int featureVersion(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isReadable(release)) {
            return 0;
        }
        for (String line : Files.readAllLines(release)) {
            if (line.startsWith("JAVA_VERSION=")) {
                String digits = line.substring("JAVA_VERSION=".length()).replace("\"", "").replaceFirst("\\D.*", "");
                return digits.isEmpty() ? 0 : Integer.parseInt(digits);
            }
        }
        return 0;
    }
}
