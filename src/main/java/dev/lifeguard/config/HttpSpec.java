package dev.lifeguard.config;

import java.time.Duration;

/**
 * Lifeguard's own HTTP port as configured. Immutable.
 *
 * @param headTimeout the deadline for a request head to arrive whole; zero: none
 */
public record HttpSpec(Duration headTimeout) {

    public static final String HEAD_TIMEOUT_KEY = "lifeguard.http.head-timeout";

    public static HttpSpec from(LifeguardConfig config) {
        Duration headTimeout = Durations.parse(HEAD_TIMEOUT_KEY, config.http().headTimeout());
        if (headTimeout.isNegative()) {
            throw new InvalidConfigException(HEAD_TIMEOUT_KEY, "'" + config.http().headTimeout() + "' is negative", "write a few seconds, e.g. 5s, or 0s for no deadline");
        }
        if (!headTimeout.isZero() && headTimeout.toMillis() < 100) {
            throw new InvalidConfigException(HEAD_TIMEOUT_KEY, "'" + config.http().headTimeout() + "' is shorter than a slow network's round trip",
                    "write a few seconds, e.g. 5s, or 0s for no deadline");
        }
        return new HttpSpec(headTimeout);
    }
}
