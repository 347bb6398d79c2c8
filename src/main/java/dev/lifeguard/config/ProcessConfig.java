package dev.lifeguard.config;

import java.util.Optional;

/**
 * Sidecar mode: the upstream's process, found rather than started (a pod with {@code shareProcessNamespace: true}),
 * so Lifeguard can read its {@code /proc} evidence and kill it when hung for the kubelet to restart.
 */
public interface ProcessConfig {

    /** A file holding the upstream's PID. */
    Optional<String> pidfile();

    /** A regular expression found in the upstream's command line ({@code /proc/<pid>/cmdline}, arguments joined by spaces). */
    Optional<String> match();
}
