package dev.lifeguard.watch;

import java.time.Instant;

import dev.lifeguard.probe.Cause;

/**
 * What Lifeguard tells load balancers and the kubelet, all checks and a drain taken together: ready, draining, or not
 * ready with the code and explanation of the first check that keeps traffic away (the upstream's first). Immutable.
 *
 * @param code a cause's code, or {@code starting} before a check's first verdict
 * @param explanation the whole human line
 * @param brief the evidence alone, for a load balancer's status column (HAProxy keeps about 110 characters)
 * @param since when this status began (for ready: when the last check became ready)
 */
public record Admission(Status status, String check, String code, String explanation, String brief, Instant since) {

    public enum Status {
        READY, DRAINING, NOT_READY
    }

    static Admission of(Drain drain, Iterable<Verdict> verdicts) {
        if (drain != null) {
            return new Admission(Status.DRAINING, "", Cause.DRAINING.code(), drain.why(), drain.why(), drain.since());
        }
        Instant readySince = Instant.EPOCH;
        for (Verdict v : verdicts) {
            if (!v.admitsTraffic()) {
                String code = v.state() == State.STARTING ? "starting" : v.cause().code();
                if (!v.spec().isUpstream()) {
                    return new Admission(Status.NOT_READY, v.name(), code, v.explanation(), v.name() + ": " + v.brief(), v.since());
                }
                Verdict dependency = failingDependency(verdicts);
                return dependency == null || v.state() == State.STARTING
                        ? new Admission(Status.NOT_READY, v.name(), code, v.explanation(), v.brief(), v.since())
                        : new Admission(Status.NOT_READY, v.name(), code, v.explanation() + " Probably because its dependency " + dependency.name()
                                + " (" + dependency.spec().target().describe() + ") is not ready: " + dependency.cause().code() + ": "
                                + dependency.brief(), v.brief() + "; " + dependency.name() + " " + dependency.cause().code(), v.since());
            }
            if (v.ready() && v.since().isAfter(readySince)) {
                readySince = v.since();
            }
        }
        return new Admission(Status.READY, "", Cause.OK.code(), "Ready: every check passes.", "", readySince);
    }

    /** A named check that failed, counted or not, while the upstream fails too: the likelier cause. */
    private static Verdict failingDependency(Iterable<Verdict> verdicts) {
        for (Verdict v : verdicts) {
            if (!v.spec().isUpstream() && v.state() == State.NOT_READY) {
                return v;
            }
        }
        return null;
    }

    public boolean ready() {
        return status == Status.READY;
    }

    /** The same answer for a load balancer: status and cause, whatever the explanation's latest evidence. */
    public boolean sameAs(Admission other) {
        return other != null && status == other.status && code.equals(other.code);
    }
}
