package dev.lifeguard.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/** The reverse proxy or load balancer in front of the upstream. Parsed by {@link GatewaySpec}. */
public interface GatewayConfig {

    /** How long it waits for an answer before it gives its user a 504 (nginx's proxy_read_timeout, an ALB's idle timeout). */
    Optional<String> timeout();

    /**
     * How long it keeps an idle connection to the upstream for reuse (nginx's upstream keepalive_timeout, HAProxy's
     * timeout http-keep-alive, an ALB's idle timeout): an upstream that closes idle connections sooner causes 502s.
     */
    Optional<String> keepalive();

    /** The share of that timeout at which a probe's answer time is reported: {@code 80%} or {@code 0.8}. */
    @WithDefault("80%")
    String warnAt();
}
