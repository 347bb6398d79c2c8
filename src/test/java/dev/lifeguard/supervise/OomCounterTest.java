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
}
