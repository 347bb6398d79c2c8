package dev.lifeguard.config;

/**
 * Whether this run only checks the configuration or prints the version ({@code --check-config}, {@code --version}):
 * everything is validated at start-up as usual, but nothing is probed, started or found. Set once by the main class
 * before Quarkus starts; read by the start-up observers. Thread-safe.
 */
public final class DryRun {

    private static volatile boolean active;

    private DryRun() {
    }

    public static void activate() {
        active = true;
    }

    public static boolean active() {
        return active;
    }
}
