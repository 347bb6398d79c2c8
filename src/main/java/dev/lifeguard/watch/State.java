package dev.lifeguard.watch;

import java.util.EnumSet;
import java.util.Set;

/** Where a check stands. Legal moves are listed in {@link #next()}. */
public enum State {
    /** No success yet, and either within the startup grace or below the failure threshold. */
    STARTING("starting"),
    /** Passing: traffic may come. */
    READY("ready"),
    /** Failing past its threshold: traffic must not come. */
    NOT_READY("not_ready");

    private final String code;

    State(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public boolean ready() {
        return this == READY;
    }

    /** The states this one may move to. */
    public Set<State> next() {
        return switch (this) {
            case STARTING -> EnumSet.of(READY, NOT_READY);
            case READY -> EnumSet.of(NOT_READY);
            case NOT_READY -> EnumSet.of(READY);
        };
    }

    public boolean canBecome(State other) {
        return next().contains(other);
    }
}
