package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
        try {
            for (String line : Files.readAllLines(procCgroup)) {
                String[] f = line.split(":", 3);
                if (f.length < 3) {
                    continue;
                }
                String path = f[2].startsWith("/") ? f[2].substring(1) : f[2];
                if (f[0].equals("0") && f[1].isEmpty()) {
                    Path dir = cgroupRoot.resolve(path);
                    if (Files.readAllLines(dir.resolve("cgroup.events")).contains("frozen 1")) {
                        return Optional.of(new Frozen(dir, f[2]));
                    }
                } else if (List.of(f[1].split(",")).contains("freezer")) {
                    Path dir = cgroupRoot.resolve("freezer").resolve(path);
                    String state = Files.readString(dir.resolve("freezer.state")).strip();
                    if (state.equals("FROZEN") || state.equals("FREEZING")) {
                        return Optional.of(new Frozen(dir, f[2]));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no freezer here, or not ours to read: nothing says frozen
        }
        return Optional.empty();
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
