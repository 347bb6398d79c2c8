package dev.lifeguard.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/** HAProxy's agent-check: a TCP port that answers each connection with one line of state. Parsed by {@link LoadBalancerSpec}. */
public interface AgentCheckConfig {

    /** The port to listen on (HAProxy's {@code agent-port}); off when unset. 9503 by convention. */
    Optional<String> port();

    /** Whether the reply may carry HAProxy's administrative words ({@code ready}, {@code drain}), which override an operator's. */
    @WithDefault("false")
    String admin();

    /** How long the weight ramps from 10 % to 100 % after the upstream becomes ready; 0s sends 100 % at once. */
    @WithDefault("0s")
    String warmup();
}
