package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes the wrapped child the OOM killer's first choice over Lifeguard in their shared memory cgroup: its
 * {@code oom_score_adj} is raised by {@value #RAISE} (raising needs no privilege), so that when memory runs out the
 * supervisor survives to restart the child and to say what happened. Stateless.
 */
final class OomScore {

    static final int RAISE = 500;

    private OomScore() {
    }

    /** Raises the process's score; false where there is no {@code /proc} or it is gone. */
    static boolean raise(long pid) {
        Path file = Path.of("/proc", Long.toString(pid), "oom_score_adj");
        try {
            int now = Integer.parseInt(Files.readString(file).strip());
            Files.writeString(file, Integer.toString(Math.min(1000, now + RAISE)));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
