package dev.lifeguard.supervise;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/**
 * Judges the upstream hung: alive, yet its probe has failed the way a hang fails (timeouts, a stopped process, or
 * refusals, resets and closes on a port it used to serve while its process is seen alive) for the whole hang window. Where Lifeguard
 * cannot see the process, a refusal means it is not running (crashed, or still starting): never a hang, and the
 * judgement starts over. Not thread-safe: fed from one thread.
 */
final class HangJudge {

    /** A stopped process fails its probes with time-outs too: the probe's own causes are all there is to judge. */
    static final Set<Cause> HANG_LIKE = EnumSet.of(Cause.RESPONSE_TIMEOUT, Cause.CONNECT_TIMEOUT);
    private static final Set<Cause> GONE_QUIET = EnumSet.of(Cause.CONNECTION_REFUSED, Cause.CONNECTION_RESET, Cause.CONNECTION_CLOSED);

    private final Duration hangAfter;
    private boolean served;
    private Instant failingSince;

    HangJudge(Duration hangAfter) {
        this.hangAfter = hangAfter;
    }

    /**
     * @param processSeen whether the upstream's process is known to be alive (our child, or one found by pidfile or
     *     command line); without that, a refused connection says only that nothing listens
     */
    void observe(ProbeResult result, boolean processSeen) {
        if (result.ok()) {
            served = true;
            failingSince = null;
        } else if (!processSeen && GONE_QUIET.contains(result.cause())) {
            served = false;
            failingSince = null;
        } else if (HANG_LIKE.contains(result.cause()) || served && GONE_QUIET.contains(result.cause())) {
            if (failingSince == null) {
                // The upstream was already not answering when this probe began.
                failingSince = result.at().minus(result.latency());
            }
        } else {
            failingSince = null;
        }
    }

    /** Since when the upstream has been failing like a hang, or null. */
    Instant failingSince() {
        return failingSince;
    }

    boolean hung(Instant now) {
        return failingSince != null && !now.isBefore(failingSince.plus(hangAfter));
    }

    /** Forgets everything: a new process starts. */
    void reset() {
        served = false;
        failingSince = null;
    }
}
