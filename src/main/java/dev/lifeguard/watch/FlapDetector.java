package dev.lifeguard.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/**
 * One check's recent failures by time, and its flap damping. A failed probe stands for the time since the probe
 * before it, so the fast re-probes that follow a failure weigh little, and a check is flapping when at least
 * {@code failure-threshold} failed probes cover {@code window-failure-share} of the last {@code window}, in any order,
 * or when it leaves rotation again, for the same cause, less than {@code window} after it came back by itself. Each
 * time the check leaves rotation within {@code flap-quiet} of its last failure, the successes it needs to come back
 * double, up to {@code flap-damping-max} times the success threshold; {@code flap-quiet} without a failure restores
 * them. Confined to the check's event loop.
 */
final class FlapDetector {

    /**
     * What the window and the damping say about the next verdict. Immutable.
     *
     * @param windowFlapping the window alone finds it failing too often
     * @param leftBefore it came back into rotation by itself (no restart) less than {@code window} ago, after leaving it
     *     for the same cause as now: leaving again is a flap
     * @param account the window's failures and the flaps so far, for the explanation; null when there is nothing to say
     */
    record Judgement(boolean windowFlapping, boolean leftBefore, String account, int successesNeeded) {
        static final Judgement NONE = new Judgement(false, false, null, 0);
    }

    private record Sample(Instant at, long coversMillis, ProbeResult result) {
    }

    private final CheckSpec spec;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private Instant lastProbe;
    private Instant firstProbe;
    private Instant lastFailure;
    private Instant lastFailureInRotation;
    private Instant lastReturn;
    private Cause lastDepartureCause;
    private boolean restarted;
    private int flaps;

    FlapDetector(CheckSpec spec) {
        this.spec = spec;
    }

    /** Records a probe's result and judges with it. */
    private Judgement observe(ProbeResult r) {
        record(r);
        return judge(r);
    }

    private void record(ProbeResult r) {
        Instant at = r.at();
        long covers = lastProbe == null ? spec.interval().toMillis() : Math.max(0, Duration.between(lastProbe, at).toMillis());
        lastProbe = at;
        if (firstProbe == null) {
            firstProbe = at.minusMillis(covers);
        }
        CheckSpec.Flapping rule = spec.flapping();
        samples.addLast(new Sample(at, covers, r));
        Instant from = at.minus(rule.window());
        while (!samples.isEmpty() && samples.peekFirst().at().isBefore(from)) {
            samples.removeFirst();
        }
        if (!r.ok()) {
            lastFailure = at;
        } else if (lastFailure != null && !at.isBefore(lastFailure.plus(rule.quiet()))) {
            flaps = 0;
        }
    }

    /** The window and the damping as they stand, {@code r} being the latest probe. */
    private Judgement judge(ProbeResult r) {
        CheckSpec.Flapping rule = spec.flapping();
        Instant from = r.at().minus(rule.window());
        long failedMillis = 0;
        int failed = 0;
        Map<String, Integer> causes = new TreeMap<>();
        for (Sample s : samples) {
            if (!s.result().ok()) {
                failed++;
                // Only the part of its time inside the window counts.
                failedMillis += Math.min(s.coversMillis(), Math.max(0, Duration.between(from, s.at()).toMillis()));
                causes.merge(s.result().cause().code(), 1, Integer::sum);
            }
        }
        long windowMillis = rule.window().toMillis();
        boolean fullWindow = !firstProbe.isAfter(from);
        double share = windowMillis == 0 ? 0 : (double) failedMillis / windowMillis;
        boolean windowFlapping = rule.windowOn() && fullWindow && !r.ok() && failed >= spec.failureThreshold() && share >= rule.failureShare();
        StringBuilder b = new StringBuilder();
        causes.forEach((cause, n) -> b.append(b.length() == 0 ? "" : ", ").append(cause).append(" x").append(n));
        boolean damped = successesNeeded(flaps) > spec.successThreshold();
        String account = (failed == 0 || !rule.windowOn() ? "" : "probes failed " + Math.round(share * 100) + "% of the last " + rule.window().toSeconds() + "s ("
                + b + ")" + (damped ? "; " : "")) + (damped ? "it left rotation " + flaps + " times without " + rule.quiet().toSeconds()
                + "s free of failures, so it needs " + successesNeeded(flaps) + " successes in a row" : "");
        boolean leftBefore = rule.windowOn() && flaps > 0 && lastReturn != null && r.at().isBefore(lastReturn.plus(rule.window()))
                && r.cause() == lastDepartureCause;
        return new Judgement(windowFlapping, leftBefore, account.isEmpty() ? null : account, successesNeeded(flaps));
    }

    /**
     * The verdict after a probe: definite when the supervisor explains the failure ({@code known}), else by the
     * thresholds, the failure window and the damping. Every probe enters the window either way.
     */
    Verdict next(Verdict before, ProbeResult result, Instant startedAt, Optional<SupervisionEvent> known) {
        Judgement window = observe(result);
        if (known.isPresent()) {
            return Hysteresis.failNow(before, result, known.get());
        }
        if (before.ready() && !result.ok()) {
            lastFailureInRotation = result.at();
        }
        Verdict after = Hysteresis.next(before, result, startedAt, window);
        if (!before.ready() && after.ready()) {
            lastReturn = restarted ? null : result.at();
            restarted = false;
        }
        if (before.ready() && !after.ready()) {
            flaps++;
            lastDepartureCause = result.cause();
            // Said with this departure counted: the successes it needs now, and why.
            Judgement counted = judge(result);
            after = new Verdict(after.spec(), after.state(), after.cause(), after.since(), after.consecutiveFailures(), after.consecutiveSuccesses(),
                    after.probes(), after.last(), after.event(), counted.successesNeeded(), counted.account());
        }
        return after;
    }

    /**
     * Whether a probe failed while the check was ready, less than {@code window} before {@code now}; failures while
     * starting or out of rotation do not count. Never with the window off.
     */
    boolean failedInRotationWithinWindow(Instant now) {
        return spec.flapping().windowOn() && lastFailureInRotation != null && now.isBefore(lastFailureInRotation.plus(spec.flapping().window()));
    }

    /** A new process was started: its coming back is a recovery, not the return of a flapping one. */
    void restarted() {
        restarted = true;
    }

    /** The success threshold after {@code n} flaps: as configured for the first, doubled for each after it, capped. */
    private int successesNeeded(int n) {
        int base = spec.successThreshold();
        int factor = 1;
        for (int i = 1; i < n && factor < spec.flapping().dampingMax(); i++) {
            factor *= 2;
        }
        return base * Math.min(factor, spec.flapping().dampingMax());
    }
}
