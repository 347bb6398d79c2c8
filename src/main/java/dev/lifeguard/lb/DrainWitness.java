package dev.lifeguard.lb;

import java.time.Instant;

/**
 * Something besides the pollers that must see a drain before it counts as observed, such as Kubernetes' EndpointSlices,
 * which take the pod out of Services on the readiness gate's word. Implemented where it is known, so that {@code lb}
 * reaches no further down the flow. Thread-safe.
 */
public interface DrainWitness {

    /** Whether it takes part in a drain that begins now. */
    boolean active();

    /** Whether it has seen the drain that began at {@code since}; asked every few milliseconds, so it must be cheap. */
    boolean observed(Instant since);

    /** For the drain's account: what it saw, or what it still waits for. */
    String account(Instant since);
}
