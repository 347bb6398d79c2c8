package dev.lifeguard.report;

import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.watch.Verdict;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A check's verdict as JSON. Immutable. */
@RegisterForReflection
public record CheckView(String name, String target, boolean affectsReadiness, String state, String cause,
        String explanation, String advice, String since, int consecutiveFailures, int consecutiveSuccesses, long probes,
        Evidence last) {

    /** The latest probe. */
    @RegisterForReflection
    public record Evidence(String cause, String detail, double latencyMs, String at, int status) {
        static Evidence of(ProbeResult r) {
            return r == null ? null
                    : new Evidence(r.cause().code(), r.detail(), latencyMillis(r), r.at().toString(), r.status());
        }
    }

    static CheckView of(Verdict v) {
        return new CheckView(v.name(), v.spec().target().describe(), v.spec().affectsReadiness(), v.state().code(),
                v.cause().code(), v.explanation(), v.ready() ? null : v.cause().advice(), v.since().toString(),
                v.consecutiveFailures(), v.consecutiveSuccesses(), v.probes(), Evidence.of(v.last()));
    }

    static double latencyMillis(ProbeResult r) {
        return r.latency().toNanos() / 10_000 / 100.0;
    }
}
