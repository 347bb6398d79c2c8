package dev.lifeguard.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class StateTest {

    @Test
    void allowsExactlyTheDocumentedTransitions() {
        Set<String> allowed = Set.of("STARTING->READY", "STARTING->NOT_READY", "READY->NOT_READY", "NOT_READY->READY");
        for (State from : State.values()) {
            for (State to : State.values()) {
                assertEquals(allowed.contains(from + "->" + to), from.canBecome(to), from + " -> " + to);
            }
        }
    }

    @Test
    void onlyReadyIsReady() {
        assertEquals(EnumSet.of(State.READY), EnumSet.copyOf(java.util.Arrays.stream(State.values()).filter(State::ready).toList()));
    }
}
