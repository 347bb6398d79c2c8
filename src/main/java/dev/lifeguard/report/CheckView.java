package dev.lifeguard.report;

import java.time.Duration;

import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.watch.SupervisionEvent;
import dev.lifeguard.watch.Verdict;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A check's verdict as JSON. Immutable.
 *
 * @param last the latest probe, as the probe saw it
 * @param supervision what the supervisor knows about the process that explains the failure, or null
 */
@RegisterForReflection
public record CheckView(String name, String target, boolean affectsReadiness, String state, String cause,
        String explanation, String advice, String since, int consecutiveFailures, int consecutiveSuccesses, long probes,
        Evidence last, Supervision supervision) {

    /** The latest probe. {@code httpStatus} is null when there was no HTTP response. */
    @RegisterForReflection
    public record Evidence(String cause, String detail, double latencyMs, String at, Integer httpStatus) {
        static Evidence of(ProbeResult r) {
            return r == null ? null
                    : new Evidence(r.cause().code(), r.detail(), latencyMillis(r), r.at().toString(), r.httpStatus() == 0 ? null : r.httpStatus());
        }
    }

    /** A supervision event. */
    @RegisterForReflection
    public record Supervision(String cause, String detail, String at) {
        static Supervision of(SupervisionEvent e) {
            return e == null ? null : new Supervision(e.cause().code(), e.detail(), e.at().toString());
        }
    }

    static CheckView of(Verdict v) {
        return new CheckView(v.name(), v.spec().target().describe(), v.spec().affectsReadiness(), v.state().code(),
                v.cause().code(), v.explanation(), v.ready() ? null : v.advice(), v.since().toString(),
                v.consecutiveFailures(), v.consecutiveSuccesses(), v.probes(), Evidence.of(v.last()), Supervision.of(v.event()));
    }

    static double latencyMillis(ProbeResult r) {
        return millis(r.latency());
    }

    /** Milliseconds to two decimals, as every endpoint gives a time. */
    static double millis(Duration d) {
        return d.toNanos() / 10_000 / 100.0;
    }
}
