package dev.lifeguard.config;

import io.smallrye.config.WithDefault;

/** Draining before a planned stop. Parsed by {@link LoadBalancerSpec}. */
public interface DrainConfig {

    /** The longest a drain waits for the load balancers to observe it before the service is stopped anyway. */
    @WithDefault("15s")
    String timeout();

    /**
     * The polls each steady poller must make after the drain began before it counts as having seen it: a load
     * balancer's unhealthy threshold (HAProxy with {@code fall 1}: 1; AWS and Google Cloud: at least 2).
     */
    @WithDefault("2")
    String polls();
}
