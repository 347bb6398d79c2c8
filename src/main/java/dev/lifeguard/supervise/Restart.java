package dev.lifeguard.supervise;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.lifeguard.probe.Cause;

/**
 * A restart record: why the child was restarted (or why restarting stopped), with the evidence gathered at that moment. Immutable.
 *
 * @param advice what to do, with what the supervisor knows
 * @param evidence facts about the process, one a line (its state, CPU, memory, exit status)
 * @param output what the process itself wrote: its last lines on stderr and stdout, a thread dump; may hold secrets,
 *     so it is shown only to operators. Its newest lines within {@value #OUTPUT_BYTES} bytes are kept: fifty records
 *     make a status document of a bounded size
 * @param restartIn the back-off before the restart in milliseconds, -1 when there is no restart
 */
public record Restart(Instant at, long pid, Cause cause, String explanation, String advice, List<String> evidence,
        List<String> output, long restartIn) {

    /** The most of a process's output one record keeps. */
    public static final int OUTPUT_BYTES = 16 * 1024;

    public Restart {
        evidence = List.copyOf(evidence);
        output = newest(output);
    }

    private static List<String> newest(List<String> lines) {
        int bytes = 0;
        int from = lines.size();
        while (from > 0 && bytes + lines.get(from - 1).getBytes(StandardCharsets.UTF_8).length <= OUTPUT_BYTES) {
            bytes += lines.get(--from).getBytes(StandardCharsets.UTF_8).length;
        }
        if (from == 0) {
            return List.copyOf(lines);
        }
        List<String> kept = new ArrayList<>(lines.size() - from + 1);
        kept.add("(" + from + " earlier lines left out: a restart keeps the last " + OUTPUT_BYTES / 1024 + " KiB of output)");
        kept.addAll(lines.subList(from, lines.size()));
        return List.copyOf(kept);
    }
}
