package dev.lifeguard.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Durations;
import dev.lifeguard.diagnose.Sockets;
import dev.lifeguard.probe.Cause;

/**
 * Stops a process that is out of rotation once the requests it is serving have ended (their clients got their
 * answers), or at the drain timeout: it gets no new ones, and none in flight is cut off. The evidence says how many
 * there were and how many were left. Runs on the supervisor thread.
 */
final class InFlightStop {

    private static final Logger LOG = Logger.getLogger(InFlightStop.class);
    private static final Duration CHECK_EVERY = Duration.ofMillis(200);

    private final SupervisorThread thread;
    private final Clock clock;
    /** The upstream's port, where its connections can be read; without one there is nothing to wait for. */
    private final OptionalInt port;
    private final Duration timeout;
    private final Duration grace;
    private final DrainGate drainGate;
    private final BooleanSupplier inRotation;

    InFlightStop(SupervisorThread thread, Clock clock, OptionalInt port, Duration timeout, Duration grace, DrainGate drainGate,
            BooleanSupplier inRotation) {
        this.thread = thread;
        this.drainGate = drainGate;
        this.inRotation = inRotation;
        this.clock = clock;
        this.port = port;
        this.timeout = timeout;
        this.grace = grace;
    }

    /** Takes the process out of rotation first if it is in it (the load balancers learn, for {@code drainWhy}), then stops it as {@link #stop}. */
    void drainThenStop(ChildProcess c, Cause cause, String why, List<String> evidence, String drainWhy) {
        if (inRotation.getAsBoolean()) {
            drainGate.drain(drainWhy).whenComplete((outcome, e) -> thread.execute("stop after drain", () -> stop(c, cause, why, evidence)));
        } else {
            stop(c, cause, why, evidence);
        }
    }

    void stop(ChildProcess c, Cause cause, String why, List<String> evidence) {
        await(c, cause, why, evidence, serving(c).size(), clock.instant());
    }

    private Set<Long> serving(ChildProcess c) {
        return port.isPresent() && c.alive() ? Sockets.serving(c.handle(), port.getAsInt()) : Set.of();
    }

    private void await(ChildProcess c, Cause cause, String why, List<String> evidence, int atStart, Instant since) {
        Set<Long> inFlight = serving(c);
        boolean late = !clock.instant().isBefore(since.plus(timeout));
        if (!inFlight.isEmpty() && !late) {
            thread.schedule("in-flight", () -> await(c, cause, why, evidence, atStart, since), CHECK_EVERY);
            return;
        }
        String requests = "requests in flight: " + atStart + " at the decision, " + inFlight.size() + " left after "
                + Durations.elapsed(Duration.between(since, clock.instant())) + (late ? " (lifeguard.drain.timeout)" : "");
        if (atStart > 0) {
            LOG.infof("Process %d, %s", c.pid(), requests);
        }
        List<String> all = new ArrayList<>(evidence);
        all.add(requests);
        if (c.alive()) {
            c.stop(cause, why, all, grace);
        }
    }
}
