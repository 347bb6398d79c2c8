package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel's count of OOM kills in Lifeguard's cgroup (which the child shares): {@code memory.events} on cgroup v2,
 * {@code memory.oom_control} on v1. A rise across the child's life means the OOM killer took it. Thread-safe.
 */
final class OomCounter {

    private final Optional<Path> file;

    private OomCounter(Optional<Path> file) {
        this.file = file;
    }

    static OomCounter detect() {
        return detect(Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"));
    }

    /** From a {@code /proc/<pid>/cgroup} file and the cgroup file system's mount point. */
    static OomCounter detect(Path procCgroup, Path cgroupRoot) {
        try {
            for (String line : Files.readAllLines(procCgroup)) {
                // "0::/path" on cgroup v2; "4:memory:/path" (or "4:memory,other:/path") on v1.
                String[] f = line.split(":", 3);
                if (f.length < 3) {
                    continue;
                }
                String path = f[2].startsWith("/") ? f[2].substring(1) : f[2];
                Path file = f[0].equals("0") && f[1].isEmpty() ? cgroupRoot.resolve(path).resolve("memory.events")
                        : List.of(f[1].split(",")).contains("memory") ? cgroupRoot.resolve("memory").resolve(path).resolve("memory.oom_control")
                        : null;
                if (file != null && Files.isReadable(file)) {
                    return new OomCounter(Optional.of(file));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no cgroup information
        }
        return new OomCounter(Optional.empty());
    }

    /** Where the count comes from, or why there is none. */
    String source() {
        return file.map(Path::toString).orElse("no cgroup memory.events or memory.oom_control is readable here");
    }

    OptionalLong read() {
        if (file.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            for (String line : Files.readAllLines(file.get())) {
                if (line.startsWith("oom_kill ")) {
                    return OptionalLong.of(Long.parseLong(line.substring(9).strip()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable now: no evidence either way
        }
        return OptionalLong.empty();
    }
}
