package dev.lifeguard.watch;

import java.time.Instant;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/**
 * Applies a check's thresholds: the state moves only after enough consecutive failures or successes, and failures
 * within the startup grace keep a check STARTING. Pure and thread-safe.
 */
final class Hysteresis {

    private Hysteresis() {
    }

    /**
     * The verdict after one more probe, by the thresholds alone.
     *
     * @param startedAt when watching began, for the startup grace
     */
    static Verdict next(Verdict current, ProbeResult result, Instant startedAt) {
        return next(current, result, startedAt, FlapDetector.Judgement.NONE);
    }

    /**
     * The verdict after one more probe: by the thresholds, and by the failure window and the flap damping.
     *
     * @param startedAt when watching began, for the startup grace
     */
    static Verdict next(Verdict current, ProbeResult result, Instant startedAt, FlapDetector.Judgement window) {
        CheckSpec spec = current.spec();
        int failures = result.ok() ? 0 : current.consecutiveFailures() + 1;
        int successes = result.ok() ? current.consecutiveSuccesses() + 1 : 0;
        int needed = Math.max(spec.successThreshold(), window.successesNeeded());
        State state = current.state();
        State target = state;
        if (result.ok() && state != State.READY && successes >= needed) {
            target = State.READY;
        }
        boolean streak = failures >= spec.failureThreshold();
        if (target == state && !result.ok() && (streak || window.windowFlapping())) {
            boolean inGrace = result.at().isBefore(startedAt.plus(spec.startupGrace()));
            if (state == State.READY || state == State.STARTING && !inGrace) {
                target = State.NOT_READY;
            }
        }
        if (target != state && !state.canBecome(target)) {
            throw new IllegalStateException(spec.name() + " cannot move from " + state.code() + " to " + target.code());
        }
        // A not-ready check names its latest failure, or flapping where the window alone took it out or it leaves
        // rotation soon after it came back; a ready one none.
        boolean flapping = target == State.NOT_READY && (state != State.NOT_READY ? window.leftBefore() || !streak && window.windowFlapping()
                : current.cause() == Cause.FLAPPING);
        // A process restarted on an operator's word refuses until it listens: still the planned restart, for its startup grace.
        boolean restarting = current.cause() == Cause.RESTART_REQUESTED && result.cause() == Cause.CONNECTION_REFUSED
                && result.at().isBefore(current.since().plus(spec.startupGrace()));
        Cause cause = target == State.READY ? Cause.OK : flapping ? Cause.FLAPPING : result.ok() || restarting ? current.cause() : result.cause();
        String account = target == State.READY ? null : window.account() != null ? window.account() : current.flapping();
        Instant since = target == state ? current.since() : result.at();
        return new Verdict(spec, target, cause, since, failures, successes, current.probes() + 1, result, null, needed, account);
    }

    /**
     * The verdict after a supervision event, which needs no confirmation (the process exited, is stopped): not ready
     * at once.
     *
     * @param probe the failed probe that the event explains, or null when the event came on its own
     */
    static Verdict failNow(Verdict current, ProbeResult probe, SupervisionEvent event) {
        Instant since = current.state() == State.NOT_READY ? current.since() : event.at();
        return probe == null
                ? new Verdict(current.spec(), State.NOT_READY, event.cause(), since, current.consecutiveFailures(), 0, current.probes(),
                        current.last(), event, current.successesNeeded(), null)
                : new Verdict(current.spec(), State.NOT_READY, event.cause(), since, current.consecutiveFailures() + 1, 0,
                        current.probes() + 1, probe, event, current.successesNeeded(), null);
    }
}
