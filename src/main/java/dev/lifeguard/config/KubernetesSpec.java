package dev.lifeguard.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Lifeguard's pod and what it tells the API server about it. Immutable.
 *
 * @param pod the pod's name and namespace; empty when not given: the Kubernetes features are off
 * @param readinessGate the condition type Lifeguard sets; empty: none
 */
public record KubernetesSpec(Optional<Pod> pod, Optional<String> readinessGate, boolean events) {

    /** A condition type as Kubernetes accepts it: a qualified name, optionally prefixed by a DNS subdomain and a slash. */
    private static final Pattern CONDITION_TYPE = Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    /** Lifeguard's pod, as the Downward API gives it. */
    public record Pod(String name, String namespace, Optional<String> uid) {
    }

    public static KubernetesSpec from(LifeguardConfig config) {
        KubernetesConfig k = config.kubernetes();
        Optional<String> name = k.podName().map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> namespace = k.namespace().map(String::strip).filter(s -> !s.isEmpty());
        if (name.isPresent() != namespace.isPresent()) {
            throw new InvalidConfigException(name.isPresent() ? "lifeguard.kubernetes.namespace" : "lifeguard.kubernetes.pod-name",
                    "is missing while " + (name.isPresent() ? "lifeguard.kubernetes.pod-name" : "lifeguard.kubernetes.namespace") + " is set",
                    "set both from the Downward API (fieldRef metadata.name and metadata.namespace), as k8s/deployment.yaml does");
        }
        Optional<String> gate = k.readinessGate().map(String::strip).filter(s -> !s.isEmpty());
        if (gate.isPresent() && !CONDITION_TYPE.matcher(gate.get()).matches()) {
            throw new InvalidConfigException("lifeguard.kubernetes.readiness-gate", "'" + gate.get() + "' is not a condition type",
                    "write a qualified name such as lifeguard.dev/upstream-ready, the one listed in the pod's spec.readinessGates");
        }
        if (gate.isPresent() && name.isEmpty()) {
            throw new InvalidConfigException("lifeguard.kubernetes.readiness-gate", "needs the pod it is set on",
                    "set lifeguard.kubernetes.pod-name and lifeguard.kubernetes.namespace from the Downward API");
        }
        Optional<Pod> pod = name.map(n -> new Pod(n, namespace.get(), k.podUid().map(String::strip).filter(s -> !s.isEmpty())));
        return new KubernetesSpec(pod, gate, ConfigValues.bool("lifeguard.kubernetes.events", k.events()));
    }
}
