package dev.lifeguard.watch;

/**
 * Told about every probe and every state change, on the check's event-loop thread: implementations must be quick and
 * must not block.
 */
public interface WatchListener {

    /** The check's verdict is now {@code verdict}: after every probe and every supervision event. */
    default void updated(Verdict verdict) {
    }

    /** A probe finished (its result is {@code verdict.last()}); never called for supervision events. */
    default void probed(Verdict verdict) {
    }

    /** A check changed state. */
    default void transitioned(Transition transition) {
    }

    /**
     * What load balancers should be told changed (status or cause): a check's transition, or a drain. {@code before} is
     * null the first time. Called on whichever thread made the change.
     */
    default void admissionChanged(Admission before, Admission after) {
    }
}
