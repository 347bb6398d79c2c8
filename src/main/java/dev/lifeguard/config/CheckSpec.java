package dev.lifeguard.config;

import java.time.Duration;

/**
 * One validated check: what to probe, how often, and the thresholds that move its state. Immutable.
 *
 * @param fastInterval the time between probes while a change of state awaits confirmation (HAProxy's fastinter)
 * @param affectsReadiness whether this check failing makes Lifeguard not ready
 */
public record CheckSpec(String name, Target target, Duration interval, Duration fastInterval, Duration timeout, int failureThreshold,
        int successThreshold, Duration startupGrace, boolean affectsReadiness) {

    /** The name of the check of the guarded service itself. */
    public static final String UPSTREAM = "upstream";

    public boolean isUpstream() {
        return UPSTREAM.equals(name);
    }
}
