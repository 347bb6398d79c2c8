package dev.lifeguard.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * Who may use {@code /lifeguard/admin/*} and read what the process wrote on {@code /lifeguard/status}: holders of the
 * bearer token, and requests from loopback unless {@code loopback-trusted} is false. Values are text parsed by
 * {@link AdminSpec}.
 */
public interface AdminConfig {

    /** The bearer token; prefer {@code token-file} so it stays out of the environment. */
    Optional<String> token();

    /** A file holding the token (e.g. a mounted Kubernetes Secret); surrounding whitespace is ignored. */
    Optional<String> tokenFile();

    /** Whether a request from 127.0.0.0/8 or ::1 (kubectl port-forward, a shell in the pod) needs no token. */
    @WithDefault("true")
    String loopbackTrusted();
}
