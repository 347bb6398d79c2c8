package dev.lifeguard.supervise;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.Redaction;
import dev.lifeguard.config.SupervisionSpec;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.watch.CheckWatcher;
import dev.lifeguard.watch.SupervisionEvent;

/**
 * Sidecar mode: the upstream's process, found in a shared PID namespace by pidfile or command line, and how the last
 * one ended. Lifeguard did not start it and never restarts it: it stops a hung one for the kubelet to restart its
 * container. Runs on the supervisor thread; the volatile fields are read anywhere.
 */
final class LocatedProcess {

    private static final Logger LOG = Logger.getLogger(LocatedProcess.class);

    private final ProcessLocator locator;
    private final RestartLoop loop;
    private final HangDetector hangs;
    private final RestartLog restarts;
    private final SupervisorThread thread;
    private final CheckWatcher upstream;
    private final Clock clock;
    private volatile ChildProcess process;
    /** How the last found process ended, until another is found. */
    private volatile SupervisionEvent lost;

    LocatedProcess(SupervisionSpec spec, RestartLoop loop, HangDetector hangs, RestartLog restarts, SupervisorThread thread,
            CheckWatcher upstream, Clock clock) {
        this.locator = new ProcessLocator(spec.pidfile(), spec.match());
        this.loop = loop;
        this.hangs = hangs;
        this.restarts = restarts;
        this.thread = thread;
        this.upstream = upstream;
        this.clock = clock;
    }

    /** The process found and not yet seen to end, or null. */
    ChildProcess process() {
        return process;
    }

    Optional<SupervisionEvent> lost() {
        return Optional.ofNullable(lost);
    }

    /** Finds the upstream's process by pidfile or command line, unless it is known and alive. */
    void locate() {
        ChildProcess known = process;
        if (known != null && known.alive()) {
            return;
        }
        if (known != null) {
            // Seen dead before its exit event arrived: record it now (lost() runs once per process).
            lost(known);
        }
        Optional<ProcessHandle> found = locator.find();
        if (found.isEmpty()) {
            process = null;
            return;
        }
        ChildProcess c = ChildProcess.found(found.get(), clock.instant());
        process = c;
        lost = null;
        loop.started();
        hangs.reset();
        LOG.infof("Found the upstream's process %d: %s", c.pid(), ProcessLocator.commandLine(c.pid()).map(Redaction::commandLine).orElse("?"));
        c.onExit().thenRun(() -> thread.execute("lost", () -> lost(c)));
    }

    /** The process has ended: not ready at once; the kubelet restarts its container. */
    private void lost(ChildProcess c) {
        if (process != c) {
            return;
        }
        process = null;
        loop.gone();
        String how = c.stopReason != null ? "stopped by Lifeguard: " + c.stopReason : "ended";
        String explanation = "process " + c.pid() + " " + how + " after " + Durations.elapsed(Duration.between(c.started(), clock.instant()))
                + " of supervision; its container's restart is up to the kubelet";
        Cause cause = c.stoppedFor != null ? c.stoppedFor : Cause.GONE;
        restarts.record(new Restart(clock.instant(), c.pid(), cause, explanation, cause.advice(), c.stopEvidence, c.stopOutput, -1));
        SupervisionEvent event = SupervisionEvent.of(cause, explanation, clock.instant());
        lost = event;
        upstream.fail(event);
    }
}
