package dev.lifeguard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the packaged agent as a real process: the native executable when {@code native.image.path} names one,
 * otherwise the launcher {@code target/quarkus-app/lifeguard} with the test's own JDK (as {@code JAVA_HOME}). The
 * launcher execs the JVM, so the process started is the agent itself (its PID, signals and exit status).
 */
public final class Agent {

    /** Absolute: some tests start the agent in a directory of their own. */
    private static final Path LAUNCHER = Path.of("target", "quarkus-app", "lifeguard").toAbsolutePath();

    private Agent() {
    }

    /**
     * The agent's command line. {@code systemProperties} are {@code -D} options, and may hold JVM options as well
     * ({@code -Xmx64m}): those reach the launcher's JVM through {@code JAVA_OPTS_APPEND}.
     */
    public static ProcessBuilder command(List<String> systemProperties, Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        String nativeImage = System.getProperty("native.image.path");
        if (nativeImage != null && Files.isExecutable(Path.of(nativeImage))) {
            cmd.add(nativeImage);
            cmd.addAll(systemProperties);
        } else {
            List<String> properties = new ArrayList<>();
            List<String> jvmOptions = new ArrayList<>();
            if (env.containsKey("JAVA_OPTS_APPEND")) {
                jvmOptions.add(env.get("JAVA_OPTS_APPEND"));
            }
            for (String option : systemProperties) {
                if (option.startsWith("-D")) {
                    properties.add(option);
                } else if (option.isBlank() || option.chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException("a JVM option goes through JAVA_OPTS_APPEND, which splits on blanks: '" + option + "'");
                } else {
                    jvmOptions.add(option);
                }
            }
            // Through env, on the command line rather than in the ProcessBuilder's environment, so that a test that
            // runs this command line in a ProcessBuilder of its own keeps the JDK and the options. env and the
            // launcher both exec: the process is still the JVM. An empty JAVA_OPTS means the launcher's defaults,
            // whatever the shell running the build has set.
            cmd.add("env");
            cmd.add("JAVA_HOME=" + env.getOrDefault("JAVA_HOME", javaHome().toString()));
            cmd.add("JAVA_OPTS=" + env.getOrDefault("JAVA_OPTS", ""));
            cmd.add("JAVA_OPTS_APPEND=" + String.join(" ", jvmOptions));
            cmd.add(LAUNCHER.toString());
            cmd.addAll(properties);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb;
    }

    /**
     * The JVM jar started directly ({@code java -jar}, the test's own java), bypassing the launcher: for what only
     * happens without it, such as a {@code -D} option given after {@code -jar}, which the launcher would hand to the JVM.
     */
    public static ProcessBuilder javaJar(List<String> systemProperties, Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome().resolve("bin").resolve("java").toString());
        cmd.addAll(systemProperties);
        cmd.add("-jar");
        cmd.add(LAUNCHER.resolveSibling("quarkus-run.jar").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb;
    }

    /** The JDK running this test: two levels above its {@code bin/java}. */
    public static Path javaHome() {
        return ProcessHandle.current().info().command()
                .map(java -> Path.of(java).toAbsolutePath().getParent().getParent())
                .orElseGet(() -> Path.of(System.getProperty("java.home")));
    }

    /** Runs the agent to its end (it must end by itself) and returns its exit status and output. */
    public static Finished run(List<String> systemProperties, Map<String, String> env) throws IOException, InterruptedException {
        Process p = command(systemProperties, env).start();
        String output = new String(p.getInputStream().readAllBytes());
        return new Finished(p.waitFor(), output);
    }

    public record Finished(int exitStatus, String output) {
    }
}
