package dev.lifeguard.supervise;

import java.time.Instant;
import java.util.List;

import dev.lifeguard.probe.Cause;

/**
 * A restart record: why the child was restarted (or why restarting stopped), with the evidence gathered at that moment. Immutable.
 *
 * @param advice what to do, with what the supervisor knows
 * @param evidence facts about the process, one a line (its state, CPU, memory, exit status)
 * @param output what the process itself wrote: its last lines on stderr and stdout, a thread dump; may hold secrets,
 *     so it is shown only to operators
 * @param restartIn the back-off before the restart in milliseconds, -1 when there is no restart
 */
public record Restart(Instant at, long pid, Cause cause, String explanation, String advice, List<String> evidence,
        List<String> output, long restartIn) {

    public Restart {
        evidence = List.copyOf(evidence);
        output = List.copyOf(output);
    }
}
