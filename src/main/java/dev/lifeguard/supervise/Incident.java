package dev.lifeguard.supervise;

import java.time.Instant;
import java.util.List;

import dev.lifeguard.probe.Cause;

/**
 * Why the child was restarted (or why restarting stopped), with the evidence gathered at that moment. Immutable.
 *
 * @param restartIn the back-off before the restart in milliseconds, -1 when there is no restart
 */
public record Incident(Instant at, long pid, Cause cause, String explanation, List<String> evidence, long restartIn) {

    public Incident {
        evidence = List.copyOf(evidence);
    }
}
