package dev.lifeguard.supervise;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import dev.lifeguard.config.SupervisionSpec;

/**
 * Exponential back-off between restarts, reset by a stretch of healthy running, within a budget of restarts per
 * window. Pure (time is passed in). Decisions are taken on the supervisor's thread; {@link #used} may be read from any.
 */
final class RestartPolicy {

    private final SupervisionSpec spec;
    private final Deque<Instant> restarts = new ArrayDeque<>();
    /** The restarts as of the last decision, for readers on other threads. */
    private volatile List<Instant> published = List.of();
    private Duration nextDelay;

    RestartPolicy(SupervisionSpec spec) {
        this.spec = spec;
        this.nextDelay = spec.backoff();
    }

    /**
     * A death at {@code now}: how long to wait before the restart, or empty when the budget is spent (crash loop).
     */
    Optional<Duration> onDeath(Instant now) {
        while (!restarts.isEmpty() && !restarts.peekFirst().isAfter(now.minus(spec.window()))) {
            restarts.removeFirst();
        }
        if (restarts.size() >= spec.maxRestarts()) {
            return Optional.empty();
        }
        Duration delay = nextDelay;
        nextDelay = min(nextDelay.multipliedBy(2), spec.backoffMax());
        restarts.addLast(now.plus(delay));
        published = List.copyOf(restarts);
        return Optional.of(delay);
    }

    /** The child has been ready since {@code readySince}: after {@code reset-after} the back-off starts over. */
    void healthy(Instant readySince, Instant now) {
        if (!now.isBefore(readySince.plus(spec.resetAfter()))) {
            nextDelay = spec.backoff();
        }
    }

    /** An operator asked for a fresh start: budget and back-off start over. */
    void reset() {
        restarts.clear();
        published = List.of();
        nextDelay = spec.backoff();
    }

    /** When the restarts counted against the budget happened, as of the last decision. Thread-safe. */
    List<Instant> restarts() {
        return published;
    }

    /** Restarts counted in the window that ends {@code now}. Thread-safe. */
    int used(Instant now) {
        return (int) published.stream().filter(t -> t.isAfter(now.minus(spec.window()))).count();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
