package dev.lifeguard.watch;

import java.time.Instant;

import dev.lifeguard.probe.Cause;

/** A check moving from one state to another, with the cause and the evidence at that moment. Immutable. */
public record Transition(String check, State from, State to, Cause cause, String explanation, Instant at) {
}
