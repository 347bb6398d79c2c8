package dev.lifeguard.supervise;

import java.util.concurrent.CompletionStage;

/**
 * Takes the upstream out of the load balancers' rotation before the supervisor stops it: implemented where the load
 * balancers are known, so that nothing in {@code supervise} reaches up to them.
 */
public interface DrainGate {

    /**
     * Starts draining (a second call joins the first drain) and completes once the load balancers have observed it,
     * or at the drain timeout; never fails.
     */
    CompletionStage<DrainOutcome> drain(String why);

    /**
     * A new process has started after a drained restart: readiness follows the checks again, and a later stop drains
     * anew. Does nothing while a drain is still under way.
     */
    void undrain();

    /** What a drain achieved, in one line for the log and the status. */
    record DrainOutcome(boolean observed, String account) {
    }
}
