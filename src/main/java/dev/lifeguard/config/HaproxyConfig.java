package dev.lifeguard.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/** Pushing readiness to HAProxy through its Runtime API. Parsed by {@link LoadBalancerSpec}. */
public interface HaproxyConfig {

    /** A {@code stats socket ... level admin}: a unix socket's path, or {@code host:port}; off when unset. */
    Optional<String> runtimeApi();

    /** The {@code backend/server} this Lifeguard's upstream is in HAProxy's configuration; several comma-separated. */
    Optional<String> server();

    /** How often the pushed state is compared with HAProxy's and pushed again where they differ (a reload, a lost push). */
    @WithDefault("5s")
    String resync();
}
