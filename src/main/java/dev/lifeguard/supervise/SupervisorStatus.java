package dev.lifeguard.supervise;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The supervisor as it stood after its last decision, published whole so that a reader sees one moment, never a state
 * from one and a PID from another. Immutable.
 *
 * @param active whether Lifeguard wraps a command or looks for the upstream's process: whether there is anything to report
 * @param pid the process's PID, -1 while there is none
 * @param command the wrapped command as given, unmasked (mask it before showing it)
 * @param restarts when the restarts counted against the budget happened
 * @param unexpected the last supervisor task that failed, a bug to report; null when none has
 */
public record SupervisorStatus(boolean active, ChildState state, long pid, List<String> command, Optional<ChildExit> lastExit,
        List<Instant> restarts, Duration window, int maxRestarts, List<Restart> history, String unexpected) {

    public SupervisorStatus {
        command = List.copyOf(command);
        restarts = List.copyOf(restarts);
        history = List.copyOf(history);
    }

    static SupervisorStatus inactive() {
        return new SupervisorStatus(false, ChildState.NONE, -1, List.of(), Optional.empty(), List.of(), Duration.ZERO, 0, List.of(), null);
    }

    /** Restarts spent of the budget in the window that ends {@code now}: the count decays with time. */
    public int restartsInWindow(Instant now) {
        return (int) restarts.stream().filter(t -> t.isAfter(now.minus(window))).count();
    }
}
