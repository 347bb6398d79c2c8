package dev.lifeguard.config;

import io.smallrye.config.WithDefault;

/** Draining before a planned stop. Parsed by {@link LoadBalancerSpec}. */
public interface DrainConfig {

    /** The longest a drain waits for the load balancers to observe it before the service is stopped anyway. */
    @WithDefault("15s")
    String timeout();
}
