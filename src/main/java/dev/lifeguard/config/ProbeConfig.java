package dev.lifeguard.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * The settings shared by the upstream and every named check: how to probe, how often, and when to change state.
 * Durations, numbers and booleans are read as text and parsed by {@link CheckSpecs}, so a bad value is reported
 * with Lifeguard's own message (key, value, accepted forms) rather than a SmallRye conversion error.
 */
public interface ProbeConfig {

    /** A command (argv, no shell) whose exit status is the probe; when set it replaces the URL. */
    Optional<List<String>> exec();

    /** A duration with a unit ({@link Durations#FORMS}); so are {@code timeout} and {@code startup-grace}. */
    @WithDefault("1s")
    String interval();

    /** Between probes while a failure (or a recovery) awaits confirmation by the thresholds, and after a restart. */
    @WithDefault("100ms")
    String fastInterval();

    @WithDefault("1s")
    String timeout();

    /** Consecutive failures that turn a ready check not ready. */
    @WithDefault("2")
    String failureThreshold();

    /** Consecutive successes that turn a not-ready check ready. */
    @WithDefault("1")
    String successThreshold();

    /** The recent time over which failures are weighed, whatever their order; 0s turns it off. */
    @WithDefault("10s")
    String window();

    /** The share of the window covered by failed probes that makes a check not ready: {@code 30%} or {@code 0.3}. */
    @WithDefault("30%")
    String windowFailureShare();

    /** The most the success threshold is multiplied by after repeated flaps (it doubles with each). */
    @WithDefault("8")
    String flapDampingMax();

    /** How long without a failure before the success threshold falls back to its configured value. */
    @WithDefault("60s")
    String flapQuiet();

    /** Failures this soon after start read STARTING, not NOT_READY. */
    @WithDefault("10s")
    String startupGrace();

    /** Accepted HTTP statuses: codes and ranges, comma-separated ({@code 200-399}, {@code 200,204}). */
    @WithDefault("200-399")
    String expectStatus();

    /** A substring the HTTP response body must contain (only the first 64 KiB are read). */
    Optional<String> expectBody();

    /** The Host header to send, when the service routes by name. */
    Optional<String> hostHeader();

    TlsConfig tls();

    /** How an {@code https} URL is verified. */
    interface TlsConfig {

        /** A PEM file of the CA certificates that sign the upstream's certificate. */
        Optional<String> caFile();

        /** Accept any certificate and host name: an explicit opt-in, never a default. */
        @WithDefault("false")
        String skipVerify();
    }
}
