package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path v1 = Path.of("/sys/fs/cgroup/memory/memory.oom_control");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    Path v2 = Path.of("/sys/fs/cgroup" + line.substring(3).strip(), "memory.events");
                    if (Files.isReadable(v2)) {
                        return new OomCounter(Optional.of(v2));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no cgroup information: fall through
        }
        return new OomCounter(Files.isReadable(v1) ? Optional.of(v1) : Optional.empty());
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
