package dev.lifeguard.config;

import io.smallrye.config.WithDefault;

/** When a ready upstream is reported degraded (overloaded, before it fails), and what load balancers are told then. Parsed by {@link DegradedSpec}. */
public interface DegradedConfig {

    /** The share of its weight a degraded upstream keeps at the load balancers: {@code 50%}; {@code 100%} reports without shifting traffic. */
    @WithDefault("50%")
    String weight();

    /** The share of the probe's timeout that the upstream's answers take (median of the last 10) when it is degraded: {@code 50%}. */
    @WithDefault("50%")
    String latencyShare();
}
