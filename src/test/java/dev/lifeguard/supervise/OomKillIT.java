package dev.lifeguard.supervise;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Agent;
import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/**
 * A real OOM kill: Lifeguard and its child run in a cgroup (v1 memory controller) with a 600 MiB limit, and the
 * child takes memory until the kernel kills it. Needs a writable memory cgroup (root on a cgroup v1 host, as CI
 * here); skipped elsewhere.
 */
class OomKillIT {

    @Test
    void namesAnOomKillFromTheCgroupsCounter() throws Exception {
        Path cgroup = limitedCgroup("lifeguard-oom-test-", 600);
        int port = Ports.closed();
        List<String> props = new ArrayList<>(List.of("-Dquarkus.http.port=" + port, "-Dlifeguard.upstream.url=tcp://127.0.0.1:" + Ports.closed(),
                "-Dlifeguard.restart.backoff=30s", "-XX:+UseSerialGC", "-Xmx64m"));
        ProcessBuilder lifeguard = Agent.command(props, java.util.Map.of());
        List<String> command = new ArrayList<>(lifeguard.command());
        command.add("--");
        List<String> child = new ArrayList<>(WrappedAgent.testUpstream(Ports.closed(), "--hog"));
        child.set(1, "-Xmx2g");
        command.addAll(child);
        // The shell joins the cgroup, then becomes Lifeguard; the child is born inside it.
        String script = "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec \"$@\"";
        List<String> inCgroup = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        inCgroup.addAll(command);
        Path log = Files.createTempFile("lifeguard-oom", ".log");
        Process process = new ProcessBuilder(inCgroup).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(
                    () -> assertThat(Files.readString(log), WrappedAgent.status(port).getList("supervisor.restarts.cause"), hasItem("oom_killed")));
            JsonPath status = WrappedAgent.status(port);
            assertThat(status.getString("supervisor.restarts[0].explanation"), allOf(containsString("the kernel's OOM killer took it"),
                    containsString("at its memory limit of 600 MiB (peak "), containsString(cgroup.getFileName() + "")));
            assertThat(status.getString("supervisor.restarts[0].advice"), containsString("(now 600 MiB)"));
        } finally {
            Files.deleteIfExists(log);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                Files.delete(cgroup);
                return true;
            });
        }
    }

    @Test
    void namesAnOomKillInACgroupOfTheChildsOwnWhoseCountLifeguardsOwnDoesNotSee() throws Exception {
        Path cgroup = limitedCgroup("lifeguard-oom-child-test-", 400);
        List<String> child = new ArrayList<>(WrappedAgent.testUpstream(Ports.closed(), "--hog"));
        child.set(1, "-Xmx2g");
        // Only the child joins the cgroup, right after it starts: Lifeguard stays in its own.
        List<String> inCgroup = new ArrayList<>(List.of("sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec \"$@\"", "sh"));
        inCgroup.addAll(child);
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(Ports.closed(), "lifeguard.restart.backoff", "30s"), inCgroup)) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(
                    () -> assertThat(agent.status().getList("supervisor.restarts.cause"), hasItem("oom_killed")));
            // The limit that was hit is the child's own cgroup's, not Lifeguard's.
            assertThat(agent.status().getString("supervisor.restarts[0].explanation"), allOf(containsString("the kernel's OOM killer took it"),
                    containsString("at its memory limit of 400 MiB (peak "), containsString(cgroup.getFileName() + "")));
        } finally {
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                Files.delete(cgroup);
                return true;
            });
        }
    }

    /** A new memory cgroup below this JVM's, limited to {@code mib}; skips the test where none can be made. */
    private static Path limitedCgroup(String prefix, long mib) throws IOException {
        Path cgroup = memoryCgroup().resolve(prefix + ProcessHandle.current().pid());
        try {
            Files.createDirectory(cgroup);
            Files.writeString(cgroup.resolve("memory.limit_in_bytes"), Long.toString(mib * 1024 * 1024));
        } catch (IOException e) {
            assumeTrue(false, "no writable memory cgroup here: " + e);
        }
        return cgroup;
    }

    private static Path memoryCgroup() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains("memory")) {
                return Path.of("/sys/fs/cgroup/memory" + f[2]);
            }
        }
        assumeTrue(false, "no cgroup v1 memory controller here");
        return null;
    }
}
