package dev.lifeguard.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.Target;
import dev.lifeguard.probe.Probe;
import dev.lifeguard.probe.ProbeResult;
import io.vertx.core.Vertx;

/**
 * Tells slow from hung: after the upstream's probe timed out waiting for an answer, one side probe of the same URL
 * with a longer, bounded timeout ({@code lifeguard.restart.slow-timeout}). An answer, whatever its status, means the
 * service still serves, slowly. Only for HTTP upstreams: a TCP connect cannot be slow that way. One at a time.
 * Thread-safe.
 */
final class SlowProbe {

    /** The side probe's answer. Immutable. */
    record Answer(Instant at, Duration latency, int httpStatus) {

        /** Whether it took longer than the check's own timeout: slow, rather than served by a worker that was free. */
        boolean slowerThan(Duration probeTimeout) {
            return latency.compareTo(probeTimeout) > 0;
        }

        String describe(Duration timeout, Duration probeTimeout) {
            return "a probe allowed " + Durations.exact(timeout) + " got HTTP " + httpStatus + " after " + Durations.elapsed(latency)
                    + " (the check's timeout is " + Durations.exact(probeTimeout) + ")";
        }
    }

    private final Probe probe;
    private final Duration timeout;
    private volatile boolean outstanding;
    private volatile Answer last;
    /** When the upstream last answered its own probe: a side answer from a probe started before tells nothing after. */
    private volatile Instant upstreamAnswered = Instant.MIN;

    private SlowProbe(Probe probe, Duration timeout) {
        this.probe = probe;
        this.timeout = timeout;
    }

    /** A side probe for {@code target}, or one that never probes when the target is not HTTP. */
    static SlowProbe of(Target target, Duration timeout, Vertx vertx, Clock clock) {
        return new SlowProbe(target instanceof Target.Http ? Probe.of(target, timeout, vertx, clock) : null, timeout);
    }

    /** The port the upstream serves on, where it is known: its connections are evidence of progress. */
    static OptionalInt port(Target target) {
        if (target instanceof Target.Http http) {
            return OptionalInt.of(http.port());
        }
        if (target instanceof Target.Grpc grpc) {
            return OptionalInt.of(grpc.port());
        }
        return target instanceof Target.Tcp tcp ? OptionalInt.of(tcp.port()) : OptionalInt.empty();
    }

    Duration timeout() {
        return timeout;
    }

    /** Starts a side probe unless one is under way; {@code then} gets its answer, or empty when none came in time. */
    void start(Consumer<Optional<Answer>> then) {
        if (probe == null || outstanding) {
            return;
        }
        outstanding = true;
        probe.probe().onComplete(r -> {
            ProbeResult result = r.succeeded() ? r.result() : null;
            Answer answer = result != null && result.httpStatus() > 0 ? new Answer(result.at(), result.latency(), result.httpStatus()) : null;
            if (answer != null && answer.at().minus(answer.latency()).isBefore(upstreamAnswered)) {
                answer = null;
            }
            if (answer != null) {
                last = answer;
            }
            outstanding = false;
            then.accept(Optional.ofNullable(answer));
        });
    }

    boolean outstanding() {
        return outstanding;
    }

    /** The latest answer, if it came at or after {@code since}. */
    Optional<Answer> answeredSince(Instant since) {
        Answer a = last;
        return a != null && !a.at().isBefore(since) ? Optional.of(a) : Optional.empty();
    }

    /** The upstream answered its own probe: what a side probe said before is stale. */
    void upstreamAnswered(Instant at) {
        upstreamAnswered = at;
        Answer a = last;
        if (a != null && a.at().isBefore(at)) {
            last = null;
        }
    }

    void reset() {
        last = null;
        upstreamAnswered = Instant.MIN;
    }

    void close() {
        if (probe != null) {
            probe.close();
        }
    }
}
