package dev.lifeguard.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * Where Lifeguard runs in Kubernetes (from the Downward API) and what it tells the API server. Parsed by
 * {@link KubernetesSpec}.
 */
public interface KubernetesConfig {

    /** Lifeguard's own pod ({@code metadata.name} through the Downward API); without it the Kubernetes features are off. */
    Optional<String> podName();

    /** The pod's namespace ({@code metadata.namespace}). */
    Optional<String> namespace();

    /** The pod's UID ({@code metadata.uid}), for the Events' involvedObject. */
    Optional<String> podUid();

    /** A condition type listed in the pod's {@code spec.readinessGates} that Lifeguard sets on every readiness change, e.g. {@code lifeguard.dev/upstream-ready}. */
    Optional<String> readinessGate();

    /** Whether failures, restarts, drains and recoveries are posted as Events on the pod. */
    @WithDefault("true")
    String events();
}
