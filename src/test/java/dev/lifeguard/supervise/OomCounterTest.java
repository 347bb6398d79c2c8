package dev.lifeguard.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OOM kill count, read from cgroup file trees as v2 and v1 lay them out (written here; this machine mounts v1). */
class OomCounterTest {

    @TempDir
    Path root;

    private Path write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void readsOomKillFromMemoryEventsOnCgroupV2() throws IOException {
        Path self = write("proc/self/cgroup", "0::/kubepods.slice/pod-1.slice/cri-abc.scope\n");
        write("sys/fs/cgroup/kubepods.slice/pod-1.slice/cri-abc.scope/memory.events", "low 0\nhigh 0\nmax 12\noom 4\noom_kill 3\noom_group_kill 0\n");
        OomCounter counter = OomCounter.detect(self, root.resolve("sys/fs/cgroup"));
        assertEquals(OptionalLong.of(3), counter.read());
    }

    @Test
    void readsOomKillFromOomControlOnCgroupV1() throws IOException {
        Path self = write("proc/self/cgroup", "12:pids:/docker/abc\n4:memory:/docker/abc\n1:name=systemd:/docker/abc\n");
        write("sys/fs/cgroup/memory/docker/abc/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        OomCounter counter = OomCounter.detect(self, root.resolve("sys/fs/cgroup"));
        assertEquals(OptionalLong.of(2), counter.read());
    }

    @Test
    void knowsNothingWithoutAReadableCount() throws IOException {
        Path self = write("proc/self/cgroup", "0::/nowhere\n");
        assertEquals(OptionalLong.empty(), OomCounter.detect(self, root.resolve("sys/fs/cgroup")).read());
    }

    @Test
    void namesTheLimitAndPeakOfTheCgroupWhereTheKillWasCountedOnCgroupV2() throws IOException {
        Path self = write("proc/self/cgroup", "0::/pod\n");
        Path events = write("sys/fs/cgroup/pod/memory.events", "oom_kill 0\n");
        write("sys/fs/cgroup/pod/memory.max", "max\n");
        Path childEvents = write("sys/fs/cgroup/pod/app/memory.events", "oom_kill 0\n");
        write("sys/fs/cgroup/pod/app/memory.max", Long.toString(512L << 20) + "\n");
        write("sys/fs/cgroup/pod/app/memory.peak", Long.toString(511L << 20) + "\n");
        OomCounter counter = OomCounter.detect(self, root.resolve("sys/fs/cgroup"));
        OomCounter.Snapshot atStart = counter.snapshot();
        assertEquals(0, counter.since(atStart).count());
        // v2 counts hierarchically: the kill below shows in both files, and is one kill.
        Files.writeString(events, "oom_kill 1\n");
        Files.writeString(childEvents, "oom_kill 1\n");
        OomKills kills = counter.since(atStart);
        assertEquals(1, kills.count());
        assertEquals("at its memory limit of 512 MiB (peak 511 MiB) in cgroup /pod/app", kills.where());
    }

    @Test
    void namesTheLimitOfLifeguardsOwnCgroupOnCgroupV1WhenTheKillWasCountedThere() throws IOException {
        Path self = write("proc/self/cgroup", "4:memory:/docker/abc\n");
        Path control = write("sys/fs/cgroup/memory/docker/abc/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        write("sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", Long.toString(3L << 30) + "\n");
        write("sys/fs/cgroup/memory/docker/abc/memory.max_usage_in_bytes", Long.toString(3L << 30) + "\n");
        OomCounter counter = OomCounter.detect(self, root.resolve("sys/fs/cgroup"));
        OomCounter.Snapshot atStart = counter.snapshot();
        Files.writeString(control, "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        assertEquals("at its memory limit of 3.0 GiB (peak 3.0 GiB) in cgroup /docker/abc", counter.since(atStart).where());
    }

    @Test
    void aCgroupWithoutALimitSaysSo() throws IOException {
        Path self = write("proc/self/cgroup", "4:memory:/x\n");
        Path control = write("sys/fs/cgroup/memory/x/memory.oom_control", "oom_kill 0\n");
        write("sys/fs/cgroup/memory/x/memory.limit_in_bytes", "9223372036854771712\n");
        OomCounter counter = OomCounter.detect(self, root.resolve("sys/fs/cgroup"));
        OomCounter.Snapshot atStart = counter.snapshot();
        Files.writeString(control, "oom_kill 1\n");
        assertEquals("with no memory limit of its own in cgroup /x", counter.since(atStart).where());
    }
}
