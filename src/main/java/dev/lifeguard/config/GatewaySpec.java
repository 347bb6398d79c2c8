package dev.lifeguard.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's timeout, when one is given, and the share of it at which an answer is too slow to be safe. Immutable.
 *
 * @param timeout empty when {@code lifeguard.gateway.timeout} is not set: nothing to compare with
 * @param keepalive how long the gateway keeps idle connections to the upstream; empty when not set: not checked
 */
public record GatewaySpec(Optional<Duration> timeout, double warnAt, Optional<Duration> keepalive) {

    /** The threshold an answer's time is compared with. */
    public Optional<Duration> warnAfter() {
        return timeout.map(t -> Duration.ofNanos((long) (t.toNanos() * warnAt)));
    }

    public static GatewaySpec from(LifeguardConfig config) {
        GatewayConfig g = config.gateway();
        Optional<Duration> timeout = g.timeout().filter(t -> !t.isBlank()).map(t -> Durations.parse("lifeguard.gateway.timeout", t));
        if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
            throw new InvalidConfigException("lifeguard.gateway.timeout", "must be positive", "write the gateway's own timeout, e.g. 60s");
        }
        Optional<Duration> keepalive = g.keepalive().filter(t -> !t.isBlank()).map(t -> Durations.parse("lifeguard.gateway.keepalive", t));
        if (keepalive.isPresent() && (keepalive.get().isNegative() || keepalive.get().isZero())) {
            throw new InvalidConfigException("lifeguard.gateway.keepalive", "must be positive",
                    "write how long the gateway keeps idle connections to the upstream, e.g. 60s");
        }
        return new GatewaySpec(timeout, CheckSpecs.share("lifeguard.gateway.warn-at", g.warnAt()), keepalive);
    }
}
