package dev.lifeguard.supervise;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Agent;
import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/**
 * Wrap mode under the constraints of k8s/deployment.yaml's securityContext, as far as a test can set them: a user that
 * is not root, with no capabilities, in a working directory and home it cannot write, and one writable temporary
 * directory (the emptyDir on /tmp). Needs root to switch users (CI here); skipped elsewhere.
 */
class NonRootIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void wrapModeWorksAsAUserWithoutCapabilitiesWhoMayWriteOnlyItsTemporaryDirectory() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "switching to another user needs root");
        Path app = Path.of("target", "quarkus-app").toAbsolutePath();
        assumeTrue(readableByAll(app), "another user cannot reach " + app + " (a directory above it is private): clone elsewhere");
        Path readOnly = Files.createTempDirectory("lifeguard-ro");
        Path tmp = Files.createTempDirectory("lifeguard-tmp");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = Ports.closed();
        int upstream = Ports.closed();
        List<String> props = new ArrayList<>(List.of("-Dquarkus.http.port=" + port, "-Djava.io.tmpdir=" + tmp));
        WrappedAgent.fastSettings(upstream).forEach((k, v) -> props.add("-D" + k + "=" + v));
        ProcessBuilder pb = Agent.command(props, Map.of("HOME", readOnly.toString()));
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid", "1001", "--regid", "1001", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--"));
        command.addAll(pb.command());
        command.add("--");
        List<String> child = WrappedAgent.testUpstream(upstream);
        // The test upstream's classes, by absolute path: the working directory is another.
        child.set(child.indexOf("target/test-classes"), Path.of("target", "test-classes").toAbsolutePath().toString());
        command.addAll(child);
        pb.command(command).directory(readOnly.toFile());
        Path out = Files.createTempFile("lifeguard-nonroot", ".log");
        Process lifeguard = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await().atMost(WAIT).ignoreExceptions().until(() -> WrappedAgent.status(port).getString("admission.status").equals("ready"));
            long first = WrappedAgent.status(port).getLong("supervisor.pid");
            assertEquals("1001", Files.readAllLines(Path.of("/proc", Long.toString(first), "status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1]);
            // Its output comes through FIFOs in the temporary directory, not Java's slower pipes.
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(first), "fd", "1")).toString(), startsWith(tmp.toString()));
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            await().atMost(WAIT).ignoreExceptions().until(() -> WrappedAgent.status(port).getLong("supervisor.pid") != first
                    && WrappedAgent.status(port).getString("admission.status").equals("ready"));
            String log = Files.readString(out);
            assertThat(log, not(containsString("Permission denied")));
            assertThat(log, not(containsString("Read-only file system")));
            assertThat(log, not(containsString("ERROR")));
        } finally {
            lifeguard.destroy();
            lifeguard.waitFor(20, TimeUnit.SECONDS);
            lifeguard.destroyForcibly();
        }
    }

    /** Whether every directory from the root down to {@code dir} lets others through, as another user needs. */
    private static boolean readableByAll(Path dir) throws java.io.IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }
}
