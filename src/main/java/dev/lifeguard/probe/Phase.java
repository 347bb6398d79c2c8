package dev.lifeguard.probe;

import java.time.Duration;
import java.time.Instant;

import dev.lifeguard.config.Durations;

/** Where a network probe is; what a timeout or an I/O error means depends on it. */
enum Phase {
    RESOLVING,
    CONNECTING,
    AWAITING_RESPONSE,
    READING_BODY;

    /** The failed result of running out of time in this phase. */
    /** @param resolvedTo where the host name led ({@link Resolver#resolvedTo}), or empty */
    ProbeResult timedOut(Duration timeout, String host, int port, String resolvedTo, Duration elapsed, Instant at) {
        String what = switch (this) {
            case RESOLVING -> "resolving '" + host + "'";
            case CONNECTING -> "connecting to " + host + ":" + port + resolvedTo;
            case AWAITING_RESPONSE -> "waiting for the response";
            case READING_BODY -> "reading the response body";
        };
        return ProbeResult.failed(timeoutCause(), "no progress within " + Durations.exact(timeout) + " while " + what, elapsed, at, 0);
    }

    /** What running out of time in this phase means. */
    Cause timeoutCause() {
        return switch (this) {
            case RESOLVING -> Cause.DNS_FAILURE;
            case CONNECTING -> Cause.CONNECT_TIMEOUT;
            case AWAITING_RESPONSE, READING_BODY -> Cause.RESPONSE_TIMEOUT;
        };
    }
}
