package dev.lifeguard.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The freezer's state read, and thawed, in cgroup file trees as v2 and v1 lay them out (written here; FrozenIT freezes a real one). */
class FreezerTest {

    @TempDir
    Path root;

    private Path write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void readsAndThawsAFrozenCgroupOnV2() throws IOException {
        Path self = write("proc/1/cgroup", "0::/kubepods/pod-1/app\n");
        write("sys/fs/cgroup/kubepods/pod-1/app/cgroup.events", "populated 1\nfrozen 1\n");
        Path freeze = write("sys/fs/cgroup/kubepods/pod-1/app/cgroup.freeze", "1\n");
        Optional<Freezer.Frozen> frozen = Freezer.frozen(self, root.resolve("sys/fs/cgroup"));
        assertEquals("/kubepods/pod-1/app", frozen.orElseThrow().path());
        assertTrue(Freezer.thaw(frozen.get()));
        assertEquals("0", Files.readString(freeze));
    }

    @Test
    void readsAndThawsAFrozenCgroupOnV1() throws IOException {
        Path self = write("proc/1/cgroup", "7:freezer:/docker/abc\n4:memory:/docker/abc\n");
        Path state = write("sys/fs/cgroup/freezer/docker/abc/freezer.state", "FROZEN\n");
        Optional<Freezer.Frozen> frozen = Freezer.frozen(self, root.resolve("sys/fs/cgroup"));
        assertEquals("/docker/abc", frozen.orElseThrow().path());
        assertTrue(Freezer.thaw(frozen.get()));
        assertEquals("THAWED", Files.readString(state));
    }

    @Test
    void aThawedOrUnreadableCgroupIsNotFrozen() throws IOException {
        Path v2 = write("proc/1/cgroup", "0::/app\n");
        write("sys/fs/cgroup/app/cgroup.events", "populated 1\nfrozen 0\n");
        assertEquals(Optional.empty(), Freezer.frozen(v2, root.resolve("sys/fs/cgroup")));
        Path v1 = write("proc/2/cgroup", "7:freezer:/gone\n");
        assertEquals(Optional.empty(), Freezer.frozen(v1, root.resolve("sys/fs/cgroup")));
    }
}
