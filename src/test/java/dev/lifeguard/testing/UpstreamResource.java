package dev.lifeguard.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link FaultyServer} as the upstream and a fast schedule for it, plus two dependency checks: {@code db}
 * (the same server's port, affects readiness) and {@code cache} (a closed port, reported only).
 */
public class UpstreamResource implements QuarkusTestResourceLifecycleManager {

    /** The running upstream; tests switch its mode. */
    public static volatile FaultyServer upstream;

    @Override
    public Map<String, String> start() {
        upstream = FaultyServer.start();
        return Map.ofEntries(
                Map.entry("lifeguard.upstream.url", upstream.url()),
                Map.entry("lifeguard.upstream.interval", "200ms"),
                Map.entry("lifeguard.upstream.timeout", "200ms"),
                Map.entry("lifeguard.upstream.failure-threshold", "2"),
                // Each test breaks the upstream anew, seconds after the last: not a flapping service.
                Map.entry("lifeguard.upstream.window", "0s"),
                Map.entry("lifeguard.upstream.startup-grace", "0s"),
                Map.entry("lifeguard.checks.db.url", "tcp://127.0.0.1:" + upstream.port()),
                Map.entry("lifeguard.checks.db.interval", "500ms"),
                Map.entry("lifeguard.checks.db.timeout", "200ms"),
                Map.entry("lifeguard.checks.cache.url", "tcp://127.0.0.1:" + Ports.closed()),
                Map.entry("lifeguard.checks.cache.interval", "500ms"),
                Map.entry("lifeguard.checks.cache.timeout", "200ms"),
                Map.entry("lifeguard.checks.cache.failure-threshold", "1"),
                Map.entry("lifeguard.checks.cache.startup-grace", "0s"),
                Map.entry("lifeguard.checks.cache.affects-readiness", "false"));
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
