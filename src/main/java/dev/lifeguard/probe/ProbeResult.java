package dev.lifeguard.probe;

import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of one probe attempt. Immutable.
 *
 * @param cause {@link Cause#OK} when the probe passed
 * @param detail one line of evidence: what was tried and what came back
 * @param latency how long the probe took, from its start to its result
 * @param httpStatus the HTTP status, 0 when there was none (not HTTP, or no response)
 */
public record ProbeResult(Cause cause, String detail, Duration latency, Instant at, int httpStatus) {

    public static ProbeResult ok(String detail, Duration latency, Instant at, int httpStatus) {
        return new ProbeResult(Cause.OK, detail, latency, at, httpStatus);
    }

    public static ProbeResult failed(Cause cause, String detail, Duration latency, Instant at, int httpStatus) {
        return new ProbeResult(cause, detail, latency, at, httpStatus);
    }

    public boolean ok() {
        return cause == Cause.OK;
    }
}
