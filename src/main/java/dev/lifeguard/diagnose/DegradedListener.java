package dev.lifeguard.diagnose;

import java.util.Optional;

/** Told when the upstream becomes degraded and when it is no longer (its signs are read from {@link OverloadWatch#current}). */
public interface DegradedListener {

    void degradedChanged(Optional<Degraded> now);
}
