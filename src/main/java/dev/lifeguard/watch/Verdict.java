package dev.lifeguard.watch;

import java.time.Instant;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/**
 * A check's current judgement, replaced whole after every probe and every supervision event. Immutable.
 *
 * @param cause why the check is not ready: the supervisor's event if there is one, else the latest failed probe's
 *     cause ({@link Cause#OK} while ready or before any failure)
 * @param since when the check entered its state
 * @param consecutiveFailures failed probes in a row (supervision events are not probes)
 * @param last the latest probe's result, as the probe saw it; null before the first probe
 * @param successesNeeded the successes in a row that make it ready: the success threshold, more after repeated flaps
 * @param flapping the failure window's and the damping's account while not ready, when there is one; else null
 * @param event what the supervisor knows about the process that explains the failure; null when nothing
 */
public record Verdict(CheckSpec spec, State state, Cause cause, Instant since, int consecutiveFailures,
        int consecutiveSuccesses, long probes, ProbeResult last, SupervisionEvent event, int successesNeeded, String flapping) {

    /** The verdict before any probe. */
    public static Verdict initial(CheckSpec spec, Instant now) {
        return new Verdict(spec, State.STARTING, Cause.OK, now, 0, 0, 0, null, null, spec.successThreshold(), null);
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

    /** What to do, while not ready: the supervisor's advice when it explained the failure, else the cause's. */
    public String advice() {
        return event != null ? event.advice() : cause.advice();
    }

    /**
     * The evidence alone, short enough for a load balancer's status column: what the supervisor saw (process 42
     * exited with status 3 ...), else what the last failed probe saw (HTTP 500 ...), else the explanation.
     */
    public String brief() {
        if (event != null) {
            return event.detail();
        }
        if (last != null && !last.ok()) {
            return last.detail();
        }
        return explanation();
    }

    /** One human line: what is going on, with the latest evidence. */
    public String explanation() {
        String target = spec.target().describe();
        if (event != null) {
            boolean probedSince = last != null && !last.ok() && !last.at().isBefore(event.at());
            return cause.explanation() + " " + event.detail() + (probedSince ? " (the probe: " + last.cause().code() + ")" : "") + ".";
        }
        if (last == null) {
            return "Waiting for the first probe of " + target + ".";
        }
        if (last.ok()) {
            String answered = target + " answered (" + last.detail() + ")";
            return switch (state) {
                case READY -> "Ready: " + answered + ".";
                case STARTING -> "Starting: " + answered + ", " + consecutiveSuccesses + " of " + successesNeeded
                        + " successes before ready.";
                case NOT_READY -> "Recovering from " + cause.code() + ": " + answered + ", " + consecutiveSuccesses + " of "
                        + successesNeeded + " successes before ready" + (flapping != null ? " (" + flapping + ")" : "") + ".";
            };
        }
        String failed = last.cause().explanation() + " " + target + ": " + last.detail() + ".";
        if (state == State.NOT_READY && cause == Cause.FLAPPING) {
            return cause.explanation() + " " + flapping + "; last: " + failed;
        }
        return switch (state) {
            case READY -> "Ready, but the last probe failed (" + last.cause().code() + ", " + consecutiveFailures + " of "
                    + spec.failureThreshold() + " failures before not ready): " + failed;
            case STARTING -> "Starting, the last probe failed (" + last.cause().code() + ", " + consecutiveFailures + " failure(s); "
                    + "not ready after " + spec.failureThreshold() + " once the startup grace is over): " + failed;
            case NOT_READY -> flapping == null ? failed : failed + " (" + flapping + ")";
        };
    }
}
