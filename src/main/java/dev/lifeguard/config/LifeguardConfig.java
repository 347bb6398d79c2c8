package dev.lifeguard.config;

import java.util.Map;

import io.smallrye.config.ConfigMapping;

/** Everything under {@code lifeguard.*}; every key also works as an environment variable ({@code LIFEGUARD_UPSTREAM_URL}). */
@ConfigMapping(prefix = "lifeguard")
public interface LifeguardConfig {

    /** The service Lifeguard guards: its readiness is Lifeguard's readiness. */
    UpstreamConfig upstream();

    /** Further named checks, usually the upstream's dependencies (a database port, an API). */
    Map<String, DependencyConfig> checks();

    /** Restarting the wrapped service ({@code lifeguard -- command}). */
    RestartConfig restart();

    AdminConfig admin();

    /** Finding the upstream's process when Lifeguard does not start it. */
    ProcessConfig process();

    /** HAProxy's agent-check port. */
    AgentCheckConfig agentCheck();

    /** Draining before a planned stop. */
    DrainConfig drain();

    /** Pushing readiness to HAProxy's Runtime API. */
    HaproxyConfig haproxy();

    /** The gateway in front of the upstream, so that answers near its timeout are reported before they become 504s. */
    GatewayConfig gateway();

    /** When a ready upstream is reported degraded (overloaded, before it fails). */
    DegradedConfig degraded();

    /** The incident book: where it is kept across restarts of Lifeguard. */
    IncidentsConfig incidents();

    /** Where Lifeguard runs in Kubernetes, and what it tells the API server. */
    KubernetesConfig kubernetes();

    /** Lifeguard's own HTTP port: how long a client may take to send a request. */
    HttpConfig http();
}
