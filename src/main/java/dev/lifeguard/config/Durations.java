package dev.lifeguard.config;

import java.time.Duration;

/** How durations are written for people: settings exactly as they would type them, elapsed time rounded. */
public final class Durations {

    private Durations() {
    }

    /** A setting as a user writes it: {@code 500ms}, {@code 2s}. */
    public static String exact(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Elapsed time to a tenth of a second: {@code 850ms}, {@code 10.1s}, {@code 3m05s}. */
    public static String elapsed(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 120_000) {
            return ms / 1000 + "." + ms % 1000 / 100 + "s";
        }
        long s = d.toSeconds();
        return String.format("%dm%02ds", s / 60, s % 60);
    }
}
