package dev.lifeguard.config;

import io.smallrye.config.WithDefault;

/** Lifeguard's own HTTP port, beyond what {@code quarkus.http.*} sets. Parsed by {@link HttpSpec}. */
public interface HttpConfig {

    /**
     * How long a client has to send a request's head whole, from its connection (or from the first byte of its next
     * request on a kept-alive connection); {@code 0s}: no deadline.
     */
    @WithDefault("5s")
    String headTimeout();
}
