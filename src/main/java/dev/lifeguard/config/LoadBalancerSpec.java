package dev.lifeguard.config;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * The validated load-balancer settings. Immutable.
 *
 * @param agentCheckPort HAProxy's agent-check port; empty when off
 * @param agentCheckAdmin whether agent replies may carry administrative words
 * @param warmup how long the agent's weight ramps up after the upstream becomes ready; zero for none
 * @param drainTimeout the longest a drain waits for the load balancers before the service is stopped
 */
public record LoadBalancerSpec(OptionalInt agentCheckPort, boolean agentCheckAdmin, Duration warmup, Duration drainTimeout) {

    /** Validates; throws {@link InvalidConfigException} naming the key and the fix. */
    public static LoadBalancerSpec from(LifeguardConfig config) {
        AgentCheckConfig agent = config.agentCheck();
        OptionalInt port = OptionalInt.empty();
        if (agent.port().isPresent() && !agent.port().get().isBlank()) {
            int p = ConfigValues.integer("lifeguard.agent-check.port", agent.port().get(), "write e.g. 9503");
            if (p < 1 || p > 65535) {
                throw new InvalidConfigException("lifeguard.agent-check.port", "the port " + p + " is outside 1 to 65535", "write e.g. 9503");
            }
            port = OptionalInt.of(p);
        }
        Duration warmup = Durations.parse("lifeguard.agent-check.warmup", agent.warmup());
        if (warmup.isNegative()) {
            throw new InvalidConfigException("lifeguard.agent-check.warmup", "must not be negative", "write e.g. 0s or 30s");
        }
        Duration drainTimeout = Durations.parse("lifeguard.drain.timeout", config.drain().timeout());
        if (drainTimeout.isNegative()) {
            throw new InvalidConfigException("lifeguard.drain.timeout", "must not be negative", "write e.g. 15s, or 0s to stop without waiting");
        }
        return new LoadBalancerSpec(port, ConfigValues.bool("lifeguard.agent-check.admin", agent.admin()), warmup, drainTimeout);
    }
}
