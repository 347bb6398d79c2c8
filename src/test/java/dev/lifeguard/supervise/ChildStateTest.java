package dev.lifeguard.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The child's transition table, checked whole: the code consults it on every move ({@link RestartLoop}). */
class ChildStateTest {

    @Test
    void everyStateHasExactlyTheseMoves() {
        assertEquals(EnumSet.of(ChildState.RUNNING), ChildState.NONE.next());
        assertEquals(EnumSet.of(ChildState.STOPPING, ChildState.BACKING_OFF, ChildState.CRASH_LOOP, ChildState.EXITED, ChildState.NONE),
                ChildState.RUNNING.next());
        assertEquals(EnumSet.of(ChildState.BACKING_OFF, ChildState.CRASH_LOOP, ChildState.EXITED, ChildState.NONE), ChildState.STOPPING.next());
        assertEquals(EnumSet.of(ChildState.RUNNING, ChildState.EXITED), ChildState.BACKING_OFF.next());
        assertEquals(EnumSet.of(ChildState.RUNNING, ChildState.EXITED), ChildState.CRASH_LOOP.next());
        assertEquals(Set.of(), ChildState.EXITED.next());
    }
}
