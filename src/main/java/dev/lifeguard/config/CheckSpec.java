package dev.lifeguard.config;

import java.time.Duration;

/**
 * One validated check: what to probe, how often, and the thresholds that move its state. Immutable.
 *
 * @param fastInterval the time between probes while a change of state awaits confirmation (HAProxy's fastinter)
 * @param affectsReadiness whether this check failing makes Lifeguard not ready
 */
public record CheckSpec(String name, Target target, Duration interval, Duration fastInterval, Duration timeout, int failureThreshold,
        int successThreshold, Duration startupGrace, boolean affectsReadiness, Flapping flapping) {

    /** The name of the check of the guarded service itself. */
    public static final String UPSTREAM = "upstream";

    /** A check with the default flapping rule. */
    public CheckSpec(String name, Target target, Duration interval, Duration fastInterval, Duration timeout, int failureThreshold,
            int successThreshold, Duration startupGrace, boolean affectsReadiness) {
        this(name, target, interval, fastInterval, timeout, failureThreshold, successThreshold, startupGrace, affectsReadiness, Flapping.DEFAULT);
    }

    /**
     * When a check that fails now and then is not ready although it never fails {@code failureThreshold} times in a
     * row, and how much longer it must pass to come back after each flap. Immutable.
     *
     * @param window the recent time over which failures are weighed; zero turns the window off
     * @param failureShare the share of that time (0 to 1) covered by failed probes that makes the check not ready
     * @param dampingMax the most the success threshold is multiplied by, doubling with each flap
     * @param quiet how long without a failure before the success threshold falls back
     */
    public record Flapping(Duration window, double failureShare, int dampingMax, Duration quiet) {
        public static final Flapping DEFAULT = new Flapping(Duration.ofSeconds(10), 0.3, 8, Duration.ofSeconds(60));

        public boolean windowOn() {
            return !window.isZero();
        }
    }

    public boolean isUpstream() {
        return UPSTREAM.equals(name);
    }
}
