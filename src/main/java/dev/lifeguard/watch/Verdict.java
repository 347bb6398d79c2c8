package dev.lifeguard.watch;

import java.time.Instant;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/**
 * A check's current judgement, replaced whole after every probe. Immutable.
 *
 * @param cause why the check is not ready ({@link Cause#OK} while ready or before any failure)
 * @param since when the check entered its state
 * @param last the latest probe's result, the evidence; null before the first probe
 */
public record Verdict(CheckSpec spec, State state, Cause cause, Instant since, int consecutiveFailures,
        int consecutiveSuccesses, long probes, ProbeResult last) {

    /** The verdict before any probe. */
    public static Verdict initial(CheckSpec spec, Instant now) {
        return new Verdict(spec, State.STARTING, Cause.OK, now, 0, 0, 0, null);
    }

    public String name() {
        return spec.name();
    }

    public boolean ready() {
        return state.ready();
    }

    /** Whether this check lets traffic come: it is ready, or it does not affect readiness. */
    public boolean admitsTraffic() {
        return state.ready() || !spec.affectsReadiness();
    }

    /** One human line: what is going on, with the latest evidence. */
    public String explanation() {
        if (last == null) {
            return "Waiting for the first probe of " + spec.target().describe() + ".";
        }
        if (state == State.READY) {
            return "Ready: " + spec.target().describe() + " answered (" + last.detail() + ").";
        }
        if (cause == Cause.OK) {
            return "Starting: " + spec.target().describe() + " answered (" + last.detail() + "), waiting for "
                    + spec.successThreshold() + " consecutive successes.";
        }
        return cause.explanation() + " " + spec.target().describe() + ": " + last.detail() + ".";
    }
}
