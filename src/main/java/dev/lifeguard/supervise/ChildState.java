package dev.lifeguard.supervise;

/** Where the wrapped child stands. */
public enum ChildState {
    /** Nothing is wrapped (Lifeguard runs without {@code -- command}). */
    NONE("none"),
    /** The child runs. */
    RUNNING("running"),
    /** Lifeguard is stopping it: SIGTERM sent, SIGKILL after the grace. */
    STOPPING("stopping"),
    /** It died; a restart is scheduled after the back-off. */
    BACKING_OFF("backing_off"),
    /** The restart budget is spent: no more restarts until an operator asks. */
    CRASH_LOOP("crash_loop"),
    /** It ended for good (restart policy, or Lifeguard shutting down). */
    EXITED("exited");

    private final String code;

    ChildState(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
