package dev.lifeguard.diagnose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a process's cgroup of one controller is, on cgroup v2 (one unified tree) or v1 (a tree per controller), and
 * the one-number and key-value files in it. Stateless.
 */
public final class Cgroups {

    /** v1 writes "no limit" as a huge number (the largest page-aligned long). */
    private static final long UNLIMITED_V1 = 1L << 62;

    /**
     * A cgroup: the mount point of its tree, its name as {@code /proc/<pid>/cgroup} gives it ({@code /kubepods/pod-1}),
     * and whether it is in the unified (v2) tree.
     */
    public record Dir(Path mount, String name, boolean v2) {

        /** Its directory. */
        public Path path() {
            return mount.resolve(name.startsWith("/") ? name.substring(1) : name);
        }

        /** A file that holds one number; "max", v1's huge "no limit" and unreadable files are none. */
        public OptionalLong number(String file) {
            try {
                String text = Files.readString(path().resolve(file)).strip();
                if (text.equals("max")) {
                    return OptionalLong.empty();
                }
                long n = Long.parseLong(text);
                return n >= UNLIMITED_V1 ? OptionalLong.empty() : OptionalLong.of(n);
            } catch (IOException | RuntimeException e) {
                return OptionalLong.empty();
            }
        }

        /** A value from a key-value file such as {@code cpu.stat} or {@code memory.stat}. */
        public OptionalLong keyed(String file, String key) {
            try {
                for (String line : Files.readAllLines(path().resolve(file))) {
                    if (line.startsWith(key + " ")) {
                        return OptionalLong.of(Long.parseLong(line.substring(key.length() + 1).strip()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone, or not readable here
            }
            return OptionalLong.empty();
        }
    }

    private Cgroups() {
    }

    /** The cgroup of {@code controller} ({@code cpu}, {@code memory}) that process {@code pid} runs in; 0 means Lifeguard itself. */
    public static Optional<Dir> of(long pid, String controller) {
        return of(Path.of("/proc", pid == 0 ? "self" : Long.toString(pid), "cgroup"), Path.of("/sys/fs/cgroup"), controller);
    }

    public static Optional<Dir> of(Path procCgroup, Path root, String controller) {
        try {
            Optional<Dir> unified = Optional.empty();
            for (String line : Files.readAllLines(procCgroup)) {
                String[] f = line.split(":", 3);
                if (f.length < 3) {
                    continue;
                }
                List<String> controllers = List.of(f[1].split(","));
                if (controllers.contains(controller)) {
                    // v1 mounts a controller's tree under its own name, or under the joined names (cpu,cpuacct).
                    Path mount = Files.isDirectory(root.resolve(f[1])) ? root.resolve(f[1]) : root.resolve(controller);
                    return Optional.of(new Dir(mount, f[2], false));
                }
                if (f[0].equals("0") && f[1].isEmpty()) {
                    unified = Optional.of(new Dir(root, f[2], true));
                }
            }
            return unified.filter(d -> Files.isDirectory(d.path()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
