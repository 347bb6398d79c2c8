package dev.lifeguard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the packaged agent as a real process: the native executable when {@code native.image.path} names one,
 * otherwise the JVM jar with the test's own java.
 */
public final class Agent {

    private Agent() {
    }

    public static ProcessBuilder command(List<String> systemProperties, Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        String nativeImage = System.getProperty("native.image.path");
        if (nativeImage != null && Files.isExecutable(Path.of(nativeImage))) {
            cmd.add(nativeImage);
            cmd.addAll(systemProperties);
        } else {
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(systemProperties);
            cmd.add("-jar");
            cmd.add(Path.of("target", "quarkus-app", "quarkus-run.jar").toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb;
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
