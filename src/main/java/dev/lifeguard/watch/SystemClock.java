package dev.lifeguard.watch;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one place wall-clock time comes from, so tests can pass another {@link Clock}. */
final class SystemClock {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
