package dev.lifeguard.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/** The guarded service. */
public interface UpstreamConfig extends ProbeConfig {

    /** What to probe: {@code http://}, {@code https://}, {@code grpc://host:port}, {@code grpcs://host:port} or {@code tcp://host:port}. */
    @WithDefault("http://127.0.0.1:8080/")
    String url();

    /**
     * The upstream's version as its deployment names it (an image tag, a release), e.g. from the Downward API: kept
     * with each incident, so that a failure after a new version says so.
     */
    Optional<String> version();

    /** The upstream is next to Lifeguard: a probe twice a second costs it little and halves the time to notice. */
    @Override
    @WithDefault("500ms")
    String interval();
}
