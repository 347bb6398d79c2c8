package dev.lifeguard.config;

import io.smallrye.config.WithDefault;

/** How the wrapped service is restarted when it dies or hangs; every value is text parsed by {@link SupervisionSpec}. */
public interface RestartConfig {

    /** When to restart a child that exited: {@code always}, {@code on-failure} (non-zero or signal) or {@code never}. */
    @WithDefault("always")
    String policy();

    /** Time between SIGTERM and SIGKILL when stopping the child. */
    @WithDefault("10s")
    String grace();

    /** How long the probe must keep failing with timeouts (or refusals on a port a process seen alive served) before it is judged hung. */
    @WithDefault("10s")
    String hangAfter();

    /** The first restart delay; it doubles after each restart up to {@code backoff-max}. */
    @WithDefault("1s")
    String backoff();

    @WithDefault("30s")
    String backoffMax();

    /** Healthy running for this long resets the back-off. */
    @WithDefault("60s")
    String resetAfter();

    /** At most this many restarts in {@code window}; one more death spends the budget. 0: the first death does. */
    @WithDefault("5")
    String maxRestarts();

    /** What Lifeguard does once the budget is spent: {@code stay} (serve crash_loop) or {@code exit} with the child's status. */
    @WithDefault("stay")
    String whenBudgetSpent();

    @WithDefault("10m")
    String window();

    /** Ask a hung JVM child for a thread dump (SIGQUIT) before killing it. */
    @WithDefault("true")
    String threadDump();

    /** What happens once the restart budget is spent. */
    enum BudgetSpent {
        /** Stay up, not ready, naming crash_loop, until an operator's restart (or a restart of Lifeguard). */
        STAY,
        /** Exit with the child's status: a kubelet then restarts the container and shows its own CrashLoopBackOff. */
        EXIT
    }

    /** The restart policies. */
    enum RestartPolicyKind {
        ALWAYS,
        ON_FAILURE,
        NEVER
    }

    /**
     * Whether a service judged slow (it answers, later than the probe's timeout) for the whole hang window is
     * restarted once its requests in flight have ended; false keeps it running, out of rotation.
     */
    @WithDefault("true")
    String onSlow();

    /**
     * How long the side probe waits that tells slow from hung after a probe timed out. A hang that the evidence alone
     * does not prove (stopped, deadlocked) waits for it, up to this much past the first timeout.
     */
    @WithDefault("15s")
    String slowTimeout();
}
