package dev.lifeguard.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/** A named check of something the upstream depends on. */
public interface DependencyConfig extends ProbeConfig {

    /** What to probe; required unless {@code exec} is set. */
    Optional<String> url();

    /** Whether this check failing makes Lifeguard not ready; when false it is reported only. */
    @WithDefault("true")
    String affectsReadiness();
}
