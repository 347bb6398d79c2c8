package dev.lifeguard.supervise;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.lifeguard.diagnose.Sockets;

/**
 * Requests a process will never finish: connections on its port that their clients gave up on (CLOSE_WAIT, a timed-out
 * probe's among them) and that it has kept, unclosed, since Lifeguard first saw them. A process that answers some
 * requests while keeping others so is partly hung: some of its workers are stuck. Fed on the supervisor thread.
 */
final class StuckRequests {

    private final Map<Long, Instant> firstSeen = new HashMap<>();

    /** Looks at the process's abandoned connections now; forgets those it has closed. */
    void observe(ProcessHandle process, int port, Instant now) {
        Set<Long> abandoned = Sockets.abandoned(process, port);
        firstSeen.keySet().retainAll(abandoned);
        abandoned.forEach(inode -> firstSeen.putIfAbsent(inode, now));
    }

    /** Whether any abandoned connection is being followed. */
    boolean following() {
        return !firstSeen.isEmpty();
    }

    /** How many have been kept for at least {@code age} by {@code now}. */
    int keptFor(Duration age, Instant now) {
        Instant before = now.minus(age);
        return (int) firstSeen.values().stream().filter(seen -> !seen.isAfter(before)).count();
    }

    /** A new process: nothing is followed. */
    void reset() {
        firstSeen.clear();
    }
}
