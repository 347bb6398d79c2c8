package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.lifeguard.diagnose.Cgroups;

/**
 * The cgroup freezer ({@code docker pause}, a checkpoint): a frozen process shows state D and acts on no signal, not
 * even SIGKILL, until its cgroup is thawed. {@code freezer.state} on cgroup v1, {@code cgroup.events} and
 * {@code cgroup.freeze} on v2. Stateless.
 */
final class Freezer {

    /** A frozen cgroup: its directory, and its path as the process's cgroup file names it. */
    record Frozen(Path dir, String path) {
    }

    private Freezer() {
    }

    static Optional<Frozen> frozen(long pid) {
        return frozen(Path.of("/proc", Long.toString(pid), "cgroup"), Path.of("/sys/fs/cgroup"));
    }

    /** From a {@code /proc/<pid>/cgroup} file and the cgroup file system's mount point. */
    static Optional<Frozen> frozen(Path procCgroup, Path cgroupRoot) {
        return Cgroups.of(procCgroup, cgroupRoot, "freezer").filter(Freezer::frozen).map(d -> new Frozen(d.path(), d.name()));
    }

    private static boolean frozen(Cgroups.Dir cgroup) {
        try {
            if (cgroup.v2()) {
                return Files.readAllLines(cgroup.path().resolve("cgroup.events")).contains("frozen 1");
            }
            String state = Files.readString(cgroup.path().resolve("freezer.state")).strip();
            return state.equals("FROZEN") || state.equals("FREEZING");
        } catch (IOException | RuntimeException e) {
            // no freezer here, or not ours to read: nothing says frozen
            return false;
        }
    }

    /** Thaws the cgroup; false where Lifeguard may not (a container's cgroup file system is mostly read-only). */
    static boolean thaw(Frozen frozen) {
        try {
            if (Files.exists(frozen.dir().resolve("cgroup.freeze"))) {
                Files.writeString(frozen.dir().resolve("cgroup.freeze"), "0");
            } else {
                Files.writeString(frozen.dir().resolve("freezer.state"), "THAWED");
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
