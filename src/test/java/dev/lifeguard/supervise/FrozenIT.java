package dev.lifeguard.supervise;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/**
 * A process frozen by the cgroup freezer ({@code docker pause}) shows state D and ignores every signal, SIGKILL too,
 * until it is thawed. Needs a writable cgroup v1 freezer (root on a cgroup v1 host, as CI here); skipped elsewhere.
 */
class FrozenIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aFrozenProcessIsNamedAtOnceAndRestartedAtHangAfter() throws Exception {
        Path freezer = freezerCgroup("lifeguard-frozen-test-");
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port), WrappedAgent.testUpstream(port))) {
            try {
                await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
                long first = agent.childPid();
                Files.writeString(freezer.resolve("cgroup.procs"), Long.toString(first));
                Files.writeString(freezer.resolve("freezer.state"), "FROZEN");
                await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("upstream.cause").equals("stopped"));
                assertThat(agent.status().getString("upstream.explanation"), containsString("is frozen"));
                // Signals reach it only once it is thawed: Lifeguard thaws it to restart it.
                await().atMost(WAIT).ignoreExceptions().until(() -> agent.childPid() != first && agent.status().getString("admission.status").equals("ready"));
                JsonPath status = agent.status();
                assertEquals("hung", status.getString("supervisor.restarts[0].cause"), status.prettify());
                assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("frozen"));
                assertThat(status.getList("supervisor.restarts[0].evidence").toString(), containsString("thawed"));
            } finally {
                Files.writeString(freezer.resolve("freezer.state"), "THAWED");
            }
        } finally {
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                Files.delete(freezer);
                return true;
            });
        }
    }

    /** A new freezer cgroup below this JVM's; skips the test where none can be made. */
    private static Path freezerCgroup(String prefix) throws IOException {
        Path mine = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains("freezer")) {
                mine = Path.of("/sys/fs/cgroup/freezer" + f[2]);
            }
        }
        assumeTrue(mine != null, "no cgroup v1 freezer here");
        Path cgroup = mine.resolve(prefix + ProcessHandle.current().pid());
        try {
            Files.createDirectory(cgroup);
        } catch (IOException e) {
            assumeTrue(false, "no writable freezer cgroup here: " + e);
        }
        return cgroup;
    }
}
