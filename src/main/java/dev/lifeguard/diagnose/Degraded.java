package dev.lifeguard.diagnose;

import java.time.Instant;
import java.util.List;

/**
 * A ready upstream showing signs of overload before it fails: answers nearing the probe's timeout, a listen queue that
 * overflows, CPU throttling, file descriptors or memory near their limits. Immutable.
 *
 * @param since when the first sign was seen
 * @param signs each sign in one line, with its figures and where they come from
 * @param weightPercent the share of its weight the load balancers are told to give it meanwhile
 */
public record Degraded(Instant since, List<String> signs, int weightPercent) {

    public Degraded {
        signs = List.copyOf(signs);
    }

    /** The first sign, for a line as short as HAProxy's agent text. */
    public String brief() {
        return signs.isEmpty() ? "" : signs.get(0);
    }
}
