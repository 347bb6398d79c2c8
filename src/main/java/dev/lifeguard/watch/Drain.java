package dev.lifeguard.watch;

import java.time.Instant;

/** A planned stop under way: since when, and why (SIGTERM, an operator's drain). Immutable. */
public record Drain(Instant since, String why) {
}
