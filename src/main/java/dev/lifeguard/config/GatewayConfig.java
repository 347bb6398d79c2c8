package dev.lifeguard.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/** The reverse proxy or load balancer in front of the upstream. Parsed by {@link GatewaySpec}. */
public interface GatewayConfig {

    /** How long it waits for an answer before it gives its user a 504 (nginx's proxy_read_timeout, an ALB's idle timeout). */
    Optional<String> timeout();

    /** The share of that timeout at which a probe's answer time is reported: {@code 80%} or {@code 0.8}. */
    @WithDefault("80%")
    String warnAt();
}
