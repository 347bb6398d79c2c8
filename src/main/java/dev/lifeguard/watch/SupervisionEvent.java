package dev.lifeguard.watch;

import java.time.Instant;

import dev.lifeguard.probe.Cause;

/**
 * What the supervisor knows for certain about the upstream's process: it exited, was killed, is stopped, has gone,
 * or keeps crashing. Evidence from outside the probe: it makes the upstream not ready at once and is never counted
 * as a probe. Immutable.
 *
 * @param detail one line: which process and what happened to it
 * @param advice what to do, with what the supervisor knows (the PID, whether admin is enabled)
 */
public record SupervisionEvent(Cause cause, String detail, String advice, Instant at) {

    public static SupervisionEvent of(Cause cause, String detail, Instant at) {
        return new SupervisionEvent(cause, detail, cause.advice(), at);
    }
}
