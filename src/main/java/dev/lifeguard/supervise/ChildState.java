package dev.lifeguard.supervise;

import java.util.EnumSet;
import java.util.Set;

/** Where the supervised process stands. Legal moves are listed in {@link #next()}, which {@link RestartLoop} consults. */
public enum ChildState {
    /** Nothing runs yet, or (sidecar mode) no process is found. */
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

    /** The states this one may move to. */
    public Set<ChildState> next() {
        return switch (this) {
            case NONE -> EnumSet.of(RUNNING);
            // Stopped by Lifeguard, or exited: restarted, out of budget, ended for good; or (sidecar) gone.
            case RUNNING -> EnumSet.of(STOPPING, BACKING_OFF, CRASH_LOOP, EXITED, NONE);
            case STOPPING -> EnumSet.of(BACKING_OFF, CRASH_LOOP, EXITED, NONE);
            case BACKING_OFF, CRASH_LOOP -> EnumSet.of(RUNNING, EXITED);
            case EXITED -> EnumSet.noneOf(ChildState.class);
        };
    }

    public boolean canBecome(ChildState other) {
        return next().contains(other);
    }
}
