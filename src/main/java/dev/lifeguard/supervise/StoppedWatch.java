package dev.lifeguard.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.lifeguard.config.Durations;
import dev.lifeguard.diagnose.ProcSnapshot;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.watch.SupervisionEvent;

/**
 * Looks at the supervised process's state five times a second: a stopped process (SIGSTOP, a debugger) or a frozen
 * one (the cgroup freezer) cannot answer,
 * and saying so at once spares the load balancers a probe timeout of errors. Said once per stop. Runs on the
 * supervisor thread; {@link #stopped} may be asked from any.
 */
final class StoppedWatch {

    private static final Duration EVERY = Duration.ofMillis(200);

    private final SupervisorThread thread;
    private final Supplier<ChildProcess> running;
    private final Consumer<SupervisionEvent> tell;
    private final Duration hangAfter;
    private final Clock clock;
    /** The process last seen stopped (supervisor thread only). */
    private ChildProcess seen;

    /**
     * @param running the process while it runs (not while stopping or restarting), else null
     * @param tell what to do with the news: the upstream's check is not ready at once
     */
    StoppedWatch(SupervisorThread thread, Supplier<ChildProcess> running, Consumer<SupervisionEvent> tell, Duration hangAfter, Clock clock) {
        this.thread = thread;
        this.running = running;
        this.tell = tell;
        this.hangAfter = hangAfter;
        this.clock = clock;
    }

    void start() {
        thread.execute("state", this::look);
    }

    private void look() {
        ChildProcess c = running.get();
        if (c != null && c.alive()) {
            Optional<SupervisionEvent> stopped = stopped(c, clock.instant());
            if (stopped.isPresent() && seen != c) {
                seen = c;
                tell.accept(stopped.get());
            } else if (stopped.isEmpty() && seen == c) {
                seen = null;
            }
        }
        thread.schedule("state", this::look, EVERY);
    }

    /** That {@code c} is stopped (state T) or frozen (state D in a frozen cgroup), if it is, with what to do about it. */
    Optional<SupervisionEvent> stopped(ChildProcess c, Instant at) {
        Optional<Character> procState = ProcSnapshot.state(c.pid());
        if (procState.isPresent() && procState.get() == 'D') {
            return Freezer.frozen(c.pid()).map(frozen -> new SupervisionEvent(Cause.STOPPED, "process " + c.pid() + " is frozen: its cgroup "
                    + frozen.path() + " is frozen (docker pause, or the cgroup freezer)", "Thaw it (docker unpause, or THAWED into its freezer.state), or "
                    + "Lifeguard " + (c.own() ? "thaws and restarts" : "thaws and kills") + " it once it has not answered for " + Durations.exact(hangAfter)
                    + ", where it may write to the cgroup.", at));
        }
        if (procState.isEmpty() || !ProcSnapshot.stopped(procState.get())) {
            return Optional.empty();
        }
        return Optional.of(new SupervisionEvent(Cause.STOPPED, "process " + c.pid() + " is " + ProcSnapshot.stateName(procState.get()),
                "Resume it with kill -CONT " + c.pid() + ", or Lifeguard " + (c.own() ? "restarts" : "kills") + " it once it has not answered for "
                        + Durations.exact(hangAfter) + (c.own() ? "" : " (for the kubelet to restart)") + ".", at));
    }
}
