package dev.lifeguard.watch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The most recent transitions of all checks, oldest first, bounded. Thread-safe. */
public final class TransitionLog {

    private final int capacity;
    private final Deque<Transition> entries = new ArrayDeque<>();

    TransitionLog(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(Transition transition) {
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        entries.addLast(transition);
    }

    public synchronized List<Transition> entries() {
        return new ArrayList<>(entries);
    }
}
