package dev.lifeguard.config;

/**
 * When a ready upstream is degraded, and the weight it keeps then. Immutable.
 *
 * @param weight the share of its weight at the load balancers while degraded, above 0 and at most 1
 * @param latencyShare the share of the probe's timeout that its answers take when it is degraded
 */
public record DegradedSpec(double weight, double latencyShare) {

    public static DegradedSpec from(LifeguardConfig config) {
        DegradedConfig d = config.degraded();
        return new DegradedSpec(CheckSpecs.share("lifeguard.degraded.weight", d.weight()),
                CheckSpecs.share("lifeguard.degraded.latency-share", d.latencyShare()));
    }

    /** The weight as HAProxy's percentage. */
    public int weightPercent() {
        return (int) Math.round(weight * 100);
    }
}
