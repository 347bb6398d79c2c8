package dev.lifeguard.diagnose;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/**
 * A ready upstream that shows signs of overload is degraded: still in rotation, at a lower weight. Each sign from the
 * real fault: slow answers, CPU throttled by its cgroup, open files and memory near their limits. The cgroup tests need
 * a writable cgroup v1 controller (root on a cgroup v1 host, as CI here); skipped elsewhere.
 */
class OverloadIT {

    private static final Duration WAIT = Duration.ofSeconds(40);

    private static String get(int port, String path) throws IOException {
        try (var in = URI.create("http://127.0.0.1:" + port + path).toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String agentCheck(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static void awaitReady(WrappedAgent agent) {
        await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
    }

    private static void awaitSign(WrappedAgent agent, String sign) {
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().getList("degraded.signs"), hasItem(containsString(sign))));
    }

    @Test
    void answersNearTheProbesTimeoutMakeItDegradedAtHalfItsWeightUntilTheyAreQuickAgain() throws Exception {
        int port = Ports.closed();
        int agentPort = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.upstream.timeout", "1s", "lifeguard.agent-check.port",
                Integer.toString(agentPort), "lifeguard.restart.hang-after", "60s"), WrappedAgent.testUpstream(port))) {
            awaitReady(agent);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agentCheck(agentPort), startsWith("up 100%")));
            get(port, "/slow?ms=600");
            awaitSign(agent, "answers take");
            assertThat(agentCheck(agentPort), startsWith("up 50% #degraded: answers take 6"));
            assertThat(agent.status().getString("admission.status"), containsString("ready"));
            assertThat(agent.http().get("/q/metrics").asString(), containsString("lifeguard_degraded 1.0"));
            assertThat(agent.http().get("/").asString(), containsString("Ready, degraded"));
            get(port, "/slow?ms=0");
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().get("degraded"), nullValue()));
            assertThat(agentCheck(agentPort), startsWith("up 100%"));
            assertThat(agent.stdout(), containsString("[degraded] The upstream is overloaded, still serving: answers take"));
        }
    }

    @Test
    void openFilesNearTheLimitMakeItDegraded() throws Exception {
        int port = Ports.closed();
        List<String> command = new ArrayList<>(List.of("sh", "-c", "ulimit -n 256 && exec \"$@\"", "sh"));
        command.addAll(WrappedAgent.testUpstream(port));
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port), command)) {
            awaitReady(agent);
            get(port, "/leak-fds");
            awaitSign(agent, "files open of its limit of 256 (ulimit -n)");
        }
    }

    @Test
    void aCpuLimitThatThrottlesItMakesItDegraded() throws Exception {
        Path cgroup = cgroup("cpu", "lifeguard-cpu-test-");
        try {
            Files.writeString(cgroup.resolve("cpu.cfs_quota_us"), "50000");
            int port = Ports.closed();
            try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port), inCgroup(cgroup, WrappedAgent.testUpstream(port)))) {
                awaitReady(agent);
                get(port, "/burn?threads=2");
                awaitSign(agent, "its CPU was throttled in");
            }
        } finally {
            remove(cgroup);
        }
    }

    @Test
    void memoryNearTheLimitMakesItDegraded() throws Exception {
        Path cgroup = cgroup("memory", "lifeguard-memory-test-");
        try {
            Files.writeString(cgroup.resolve("memory.limit_in_bytes"), Long.toString(400L << 20));
            int port = Ports.closed();
            List<String> upstream = WrappedAgent.testUpstream(port);
            upstream.set(1, "-Xmx1g");
            try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port), inCgroup(cgroup, upstream))) {
                awaitReady(agent);
                get(port, "/fill-memory?share=0.93");
                awaitSign(agent, "of its limit (");
            }
        } finally {
            remove(cgroup);
        }
    }

    /** The command, started in {@code cgroup}: the shell joins it, then becomes the command. */
    private static List<String> inCgroup(Path cgroup, List<String> command) {
        List<String> all = new ArrayList<>(List.of("sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec \"$@\"", "sh"));
        all.addAll(command);
        return all;
    }

    /** A new cgroup of {@code controller} (v1) below this JVM's; skips the test where none can be made. */
    private static Path cgroup(String controller, String prefix) throws IOException {
        Path mine = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains(controller)) {
                mine = Path.of("/sys/fs/cgroup", f[1] + f[2]);
            }
        }
        assumeTrue(mine != null && Files.isDirectory(mine), "no cgroup v1 " + controller + " controller here");
        Path cgroup = mine.resolve(prefix + ProcessHandle.current().pid());
        try {
            Files.createDirectory(cgroup);
        } catch (IOException e) {
            assumeTrue(false, "no writable " + controller + " cgroup here: " + e);
        }
        return cgroup;
    }

    private static void remove(Path cgroup) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            Files.delete(cgroup);
            return true;
        });
    }
}
