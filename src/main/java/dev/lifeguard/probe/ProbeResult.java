package dev.lifeguard.probe;

import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of one probe attempt. Immutable.
 *
 * @param cause {@link Cause#OK} when the probe passed
 * @param detail one line of evidence: what was tried and what came back
 * @param status the HTTP status or the exit code, 0 when there was none
 */
public record ProbeResult(Cause cause, String detail, Duration latency, Instant at, int status) {

    public static ProbeResult ok(String detail, Duration latency, Instant at, int status) {
        return new ProbeResult(Cause.OK, detail, latency, at, status);
    }

    public static ProbeResult failed(Cause cause, String detail, Duration latency, Instant at, int status) {
        return new ProbeResult(cause, detail, latency, at, status);
    }

    public boolean ok() {
        return cause == Cause.OK;
    }
}
