package dev.lifeguard.config;

import java.util.Optional;

/** Who may use {@code /lifeguard/admin/*}: holders of a bearer token; with no token configured, nobody. */
public interface AdminConfig {

    /** The bearer token; prefer {@code token-file} so it stays out of the environment. */
    Optional<String> token();

    /** A file holding the token (e.g. a mounted Kubernetes Secret); surrounding whitespace is ignored. */
    Optional<String> tokenFile();
}
