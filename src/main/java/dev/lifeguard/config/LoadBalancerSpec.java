package dev.lifeguard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The validated load-balancer settings. Immutable.
 *
 * @param agentCheckPort HAProxy's agent-check port; empty when off
 * @param agentCheckAdmin whether agent replies may carry administrative words
 * @param warmup how long the agent's weight ramps up after the upstream becomes ready; zero for none
 * @param drainTimeout the longest a drain waits for the load balancers before the service is stopped
 * @param drainPolls the polls each steady poller makes after the drain began before it counts as having seen it
 * @param haproxy HAProxy's Runtime API to push to; empty when off
 * @param resync how often the pushed state is compared with HAProxy's
 */
public record LoadBalancerSpec(OptionalInt agentCheckPort, boolean agentCheckAdmin, Duration warmup, Duration drainTimeout, int drainPolls,
        Optional<HaproxyTarget> haproxy, Duration resync) {

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
        int polls = ConfigValues.integer("lifeguard.drain.polls", config.drain().polls(), "write 1 to 5, e.g. 2");
        if (polls < 1 || polls > 5) {
            throw new InvalidConfigException("lifeguard.drain.polls", "must be 1 to 5, not " + polls, "write the load balancers' unhealthy threshold, e.g. 2");
        }
        Duration resync = Durations.parse("lifeguard.haproxy.resync", config.haproxy().resync());
        CheckSpecs.positive("lifeguard.haproxy.resync", resync, "5s");
        return new LoadBalancerSpec(port, ConfigValues.bool("lifeguard.agent-check.admin", agent.admin()), warmup, drainTimeout, polls,
                haproxy(config.haproxy()), resync);
    }

    private static Optional<HaproxyTarget> haproxy(HaproxyConfig c) {
        Optional<String> api = c.runtimeApi().map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> servers = c.server().map(String::strip).filter(s -> !s.isEmpty());
        if (api.isEmpty()) {
            if (servers.isPresent()) {
                throw new InvalidConfigException("lifeguard.haproxy.runtime-api", "lifeguard.haproxy.server is set but not where HAProxy's Runtime API is",
                        "set it to the path of a 'stats socket ... level admin' (e.g. /run/haproxy/admin.sock) or its host:port");
            }
            return Optional.empty();
        }
        if (servers.isEmpty()) {
            throw new InvalidConfigException("lifeguard.haproxy.server", "the Runtime API is set but not which server is this upstream",
                    "write backend/server as in haproxy.cfg, e.g. app/web1 (several comma-separated)");
        }
        List<HaproxyTarget.Server> named = new ArrayList<>();
        for (String raw : servers.get().split(",")) {
            String s = raw.strip();
            String[] parts = s.split("/", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank() || s.contains(" ")) {
                throw new InvalidConfigException("lifeguard.haproxy.server", "'" + s + "' is not backend/server",
                        "write backend/server as in haproxy.cfg, e.g. app/web1 (several comma-separated)");
            }
            named.add(new HaproxyTarget.Server(parts[0], parts[1]));
        }
        String where = api.get();
        if (where.startsWith("/") || where.startsWith("unix@")) {
            return Optional.of(new HaproxyTarget(where.replaceFirst("^unix@", ""), null, 0, List.copyOf(named)));
        }
        int colon = where.lastIndexOf(':');
        int port = colon < 1 ? -1 : parsePort(where.substring(colon + 1));
        if (port < 1 || port > 65535) {
            throw new InvalidConfigException("lifeguard.haproxy.runtime-api", "'" + where + "' is neither an absolute socket path nor host:port",
                    "write e.g. /run/haproxy/admin.sock or 127.0.0.1:9999");
        }
        String host = where.substring(0, colon).replaceAll("^\\[|]$", "");
        return Optional.of(new HaproxyTarget(null, host, port, List.copyOf(named)));
    }

    private static int parsePort(String text) {
        return text.matches("\\d{1,5}") ? Integer.parseInt(text) : -1;
    }
}
