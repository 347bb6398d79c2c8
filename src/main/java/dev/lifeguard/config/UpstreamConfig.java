package dev.lifeguard.config;

import io.smallrye.config.WithDefault;

/** The guarded service. */
public interface UpstreamConfig extends ProbeConfig {

    /** What to probe: {@code http://}, {@code https://} or {@code tcp://host:port}. */
    @WithDefault("http://127.0.0.1:8080/")
    String url();
}
