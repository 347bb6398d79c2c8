package dev.lifeguard.watch;

/**
 * Told about every probe and every state change, on the check's event-loop thread: implementations must be quick and
 * must not block.
 */
public interface WatchListener {

    /** A probe finished and the check's verdict is now {@code verdict}. */
    default void probed(Verdict verdict) {
    }

    /** A check changed state. */
    default void transitioned(Transition transition) {
    }
}
