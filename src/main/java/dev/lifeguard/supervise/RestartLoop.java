package dev.lifeguard.supervise;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lifeguard.config.RestartConfig.RestartPolicyKind;
import dev.lifeguard.config.SupervisionSpec;
import dev.lifeguard.probe.Cause;

/**
 * What happens to the supervised process next: its states, moved only through {@link ChildState}'s table; the restart
 * policy, back-off and budget; the pending restart, which an operator's restart or a shutdown voids; operator
 * restarts. Decides only: time is passed in, and the caller starts, stops and schedules. Driven from the supervisor
 * thread; {@link #state()} may be read from any.
 */
final class RestartLoop {

    /**
     * What to do after an exit.
     *
     * @param delay the back-off before the restart (RESTART only)
     * @param restart the pending restart's number, to give back to {@link #due} when it is due (RESTART only)
     */
    record Next(Kind kind, Duration delay, long restart) {

        /** The kinds of decision. */
        enum Kind {
            /** Start it again after the delay. */
            RESTART,
            /** The budget is spent: no more restarts until an operator's. */
            CRASH_LOOP,
            /** It ended for good: the restart policy, or Lifeguard shutting down. */
            END,
            /** It exited 126 or 127 before it ever answered: the command cannot be run, and a restart cannot fix that. */
            NEVER_RAN
        }

        static Next of(Kind kind) {
            return new Next(kind, Duration.ZERO, -1);
        }
    }

    /** What an operator's restart asks of the caller. */
    enum Operator {
        /** Nothing runs: start it now. */
        START_NOW,
        /** It runs: stop it; its exit restarts it at once. */
        STOP,
        /** It is being stopped: its exit restarts it at once. */
        AFTER_EXIT,
        /** Lifeguard is shutting down, or the child ended for good. */
        IGNORE
    }

    private final SupervisionSpec spec;
    private final RestartPolicy policy;
    private volatile ChildState state = ChildState.NONE;
    /** The pending restart's number, -1 when none is pending. */
    private long pending = -1;
    private long restarts;
    /** An operator asked for a restart while the process was being stopped. */
    private boolean restartAtOnce;
    private boolean shuttingDown;

    RestartLoop(SupervisionSpec spec) {
        this.spec = spec;
        this.policy = new RestartPolicy(spec);
    }

    ChildState state() {
        return state;
    }

    /** A process runs: started by Lifeguard, or found. */
    void started() {
        move(ChildState.RUNNING);
        pending = -1;
        restartAtOnce = false;
    }

    /** Lifeguard is stopping it. */
    void stopping() {
        if (state != ChildState.STOPPING) {
            move(ChildState.STOPPING);
        }
    }

    /** Sidecar mode: the process Lifeguard found is gone; the kubelet restarts it. */
    void gone() {
        move(ChildState.NONE);
    }

    /**
     * The process exited: what next.
     *
     * @param answered whether the upstream answered since it started
     */
    Next exited(ChildExit exit, boolean answered) {
        if (shuttingDown) {
            move(ChildState.EXITED);
            return Next.of(Next.Kind.END);
        }
        boolean stoppedByLifeguard = exit.stoppedFor() != null;
        // 126 and 127 are the shell's "not executable" and "not found".
        if ((exit.status() == 126 || exit.status() == 127) && !answered && !stoppedByLifeguard) {
            move(ChildState.EXITED);
            return Next.of(Next.Kind.NEVER_RAN);
        }
        if (spec.policy() == RestartPolicyKind.NEVER || spec.policy() == RestartPolicyKind.ON_FAILURE && exit.clean() && !stoppedByLifeguard) {
            move(ChildState.EXITED);
            return Next.of(Next.Kind.END);
        }
        Optional<Duration> delay = policy.onDeath(exit.at());
        if (delay.isEmpty()) {
            move(ChildState.CRASH_LOOP);
            return Next.of(Next.Kind.CRASH_LOOP);
        }
        move(ChildState.BACKING_OFF);
        // A restart an operator asked for is not a failure: no back-off.
        boolean atOnce = restartAtOnce || exit.stoppedFor() == Cause.RESTART_REQUESTED;
        pending = ++restarts;
        return new Next(Next.Kind.RESTART, atOnce ? Duration.ZERO : delay.get(), pending);
    }

    /** The restart numbered {@code restart} is due: whether to start now (not when something came first). */
    boolean due(long restart) {
        if (restart != pending || shuttingDown || state != ChildState.BACKING_OFF) {
            return false;
        }
        pending = -1;
        return true;
    }

    /**
     * An operator asks for a restart: the budget and the back-off start over, and a pending restart is void.
     *
     * @param alive whether the process is alive now
     */
    Operator requested(boolean alive) {
        if (shuttingDown || state == ChildState.EXITED) {
            return Operator.IGNORE;
        }
        policy.reset();
        pending = -1;
        if (state == ChildState.STOPPING) {
            restartAtOnce = true;
            return Operator.AFTER_EXIT;
        }
        return alive ? Operator.STOP : Operator.START_NOW;
    }

    /** Lifeguard shuts down: nothing starts any more; a pending restart is void. */
    void shutdown() {
        shuttingDown = true;
        pending = -1;
        if (state == ChildState.BACKING_OFF || state == ChildState.CRASH_LOOP) {
            move(ChildState.EXITED);
        }
    }

    boolean shuttingDown() {
        return shuttingDown;
    }

    /** The process has been ready since {@code readySince}: after {@code reset-after} the back-off starts over. */
    void healthy(Instant readySince, Instant now) {
        policy.healthy(readySince, now);
    }

    /** When the restarts counted against the budget happened. Thread-safe. */
    List<Instant> restarts() {
        return policy.restarts();
    }

    /** Restarts spent of the budget in the window that ends {@code now}. Thread-safe. */
    int restartsInWindow(Instant now) {
        return policy.used(now);
    }

    private void move(ChildState to) {
        if (!state.canBecome(to)) {
            throw new IllegalStateException("the supervised process cannot move from " + state.code() + " to " + to.code());
        }
        state = to;
    }
}
