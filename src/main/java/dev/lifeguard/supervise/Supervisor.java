package dev.lifeguard.supervise;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.lifeguard.config.AdminSpec;
import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.config.CheckSpecs;
import dev.lifeguard.config.DryRun;
import dev.lifeguard.config.Durations;
import dev.lifeguard.config.InvalidConfigException;
import dev.lifeguard.config.LifeguardConfig;
import dev.lifeguard.config.LoadBalancerSpec;
import dev.lifeguard.config.SupervisionSpec;
import dev.lifeguard.config.Target;
import dev.lifeguard.diagnose.CommandFiles;
import dev.lifeguard.diagnose.Incidents;
import dev.lifeguard.diagnose.WrongPort;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.watch.SupervisionEvent;
import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.WatchListener;
import dev.lifeguard.watch.Watchers;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.core.Vertx;

/**
 * Supervises the upstream's process: the child it wraps ({@link Wrapping}) or the process it finds in a shared PID
 * namespace ({@link LocatedProcess}). It judges the process hung from the upstream's probes and stops it, explains
 * failed probes with what it knows, takes operators' restarts, and publishes its status. Every decision runs as a
 * guarded task on one supervisor thread. Public methods are thread-safe.
 */
@ApplicationScoped
public class Supervisor implements WatchListener {

    private static final Logger LOG = Logger.getLogger(Supervisor.class);
    private static final int HISTORY = 50;

    private final Watchers watchers;
    private final Clock clock;
    private final RestartLog restarts;
    private final SupervisorThread thread = new SupervisorThread(this::failed, this::publish);
    private final AtomicReference<SupervisorStatus> status = new AtomicReference<>(SupervisorStatus.inactive());
    private final CompletableFuture<Integer> endedForGood = new CompletableFuture<>();
    private final SupervisionSpec spec;
    private final RestartLoop loop;
    private final HangDetector hangs;
    private final String crashLoopAdvice;
    private final DrainGate drainGate;
    /** The longest a drain may take, with a margin: the gate itself gives up at the drain timeout. */
    private final Duration drainBound;
    private final Duration drainTimeout;
    private final CheckSpec upstream;
    private final SlowProbe sideProbe;
    private final Incidents incidents;
    /** The upstream's port and host, where it has them (not an exec check). */
    private final OptionalInt port;
    private final String host;
    private final InFlightStop inFlight;
    private final StoppedWatch stoppedWatch;
    /** The last task that failed on the supervisor thread, for the status; null when none has. */
    private volatile String unexpected;
    /** Set once, by {@link #start} in wrap mode or at start-up in sidecar mode; both null while watching only. */
    private volatile Wrapping wrapping;
    private volatile LocatedProcess located;

    Supervisor(LifeguardConfig config, Watchers watchers, Clock clock, Instance<SupervisorListener> listeners, DrainGate drainGate, Vertx vertx,
            Incidents incidents) {
        this.watchers = watchers;
        this.clock = clock;
        this.restarts = new RestartLog(HISTORY, listeners, incidents);
        this.incidents = incidents;
        this.drainGate = drainGate;
        try {
            this.spec = SupervisionSpec.from(config);
            this.crashLoopAdvice = crashLoopAdvice(AdminSpec.from(config));
            this.drainTimeout = LoadBalancerSpec.from(config).drainTimeout();
            this.upstream = CheckSpecs.from(config).get(0);
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
        this.drainBound = drainTimeout.plusSeconds(5);
        this.loop = new RestartLoop(spec);
        this.port = SlowProbe.port(upstream.target());
        this.host = upstream.target() instanceof Target.Http http ? http.uri().getHost()
                : upstream.target() instanceof Target.Grpc grpc ? grpc.host()
                : upstream.target() instanceof Target.Tcp tcp ? tcp.host() : "";
        this.sideProbe = SlowProbe.of(upstream.target(), spec.slowTimeout(), vertx, clock);
        this.hangs = new HangDetector(spec.hangAfter(), spec.threadDump(), port, sideProbe, upstream.timeout(), clock);
        this.inFlight = new InFlightStop(thread, clock, port, drainTimeout, spec.grace());
        this.stoppedWatch = new StoppedWatch(thread, () -> loop.state() == ChildState.RUNNING ? process() : null,
                event -> watchers.upstreamWatcher().fail(event), spec.hangAfter(), clock);
    }

    void validate(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        if (spec.locatesProcess() && !DryRun.active()) {
            located = new LocatedProcess(spec, loop, hangs, restarts, thread, watchers.upstreamWatcher(), clock);
            publish();
            watchers.upstreamWatcher().diagnoseWith(this::diagnose);
            LOG.infof("Looking for the upstream's process by %s; a hung one is killed after %s (SIGTERM, SIGKILL after %s) for the kubelet to restart",
                    spec.pidfile().map(p -> "pidfile " + p).orElse("command line matching '" + spec.match().map(Object::toString).orElse("") + "'"),
                    Durations.exact(spec.hangAfter()), Durations.exact(spec.grace()));
            SupervisionTools.warnWithoutKill();
            thread.execute("locate", located::locate);
            stoppedWatch.start();
        }
    }

    /** Starts supervising {@code command}; returns at once. */
    public void start(List<String> command) {
        if (spec.locatesProcess()) {
            throw new ConfigurationException("Invalid configuration: lifeguard.process.pidfile or lifeguard.process.match finds a process "
                    + "Lifeguard does not start; do not also give a command after --");
        }
        Wrapping w = new Wrapping(command, spec, loop, hangs, restarts, thread, watchers.upstreamWatcher(), clock, crashLoopAdvice, endedForGood,
                c -> {
                    drainGate.undrain();
                    incidents.processStarted(c.pid(), c.started(), CommandFiles.of(command));
                });
        wrapping = w;
        watchers.upstreamWatcher().diagnoseWith(this::diagnose);
        publish();
        w.start();
        stoppedWatch.start();
    }

    /** A task on the supervisor thread failed: said loudly, and kept for the status. */
    private void failed(String what, Throwable e) {
        unexpected = clock.instant() + ": the supervisor's " + what + " failed: " + e;
        LOG.errorf(e, "[unexpected] the supervisor's %s failed (child state %s): %s; please report it", what, loop.state().code(), e);
    }

    /** The supervisor as it stood after its last decision: one moment, read whole. */
    public SupervisorStatus status() {
        return status.get();
    }

    /** Publishes what the last task changed (supervisor thread, or start-up before any task). */
    private void publish() {
        ChildProcess c = process();
        ChildState s = loop.state();
        long pid = c == null || s == ChildState.BACKING_OFF || s == ChildState.CRASH_LOOP ? -1 : c.pid();
        Wrapping w = wrapping;
        status.set(new SupervisorStatus(w != null || located != null, s, pid, w != null ? w.command() : List.of(),
                w != null ? w.lastExit() : Optional.empty(), loop.restarts(), spec.window(), spec.maxRestarts(), restarts.all(), unexpected));
    }

    /** The process supervised now: our child (dead or alive), the one found, or null. */
    private ChildProcess process() {
        Wrapping w = wrapping;
        LocatedProcess l = located;
        return w != null ? w.child() : l != null ? l.process() : null;
    }

    /** Whether there is a process to act on: our child, or one found in a shared PID namespace. */
    public boolean supervising() {
        return wrapping != null || process() != null;
    }

    /** Whether a kubelet should restart the upstream: judged hung, or crash-looping. */
    public boolean upstreamDead() {
        return hangs.judgedHung() || loop.state() == ChildState.CRASH_LOOP;
    }

    /** Completes with the child's status once it has ended for good. */
    public CompletableFuture<Integer> endedForGood() {
        return endedForGood;
    }

    /** Restarts the process now, whatever its state; resets the back-off and the budget. */
    public void restartNow(String reason) {
        thread.execute("operator's restart", () -> {
            if (!supervising()) {
                return;
            }
            ChildProcess c = process();
            Wrapping w = wrapping;
            RestartLoop.Operator asked = loop.requested(c != null && c.alive());
            if (w != null) {
                w.cancelPendingRestart();
            }
            if (asked == RestartLoop.Operator.STOP) {
                loop.stopping();
                if (watchers.ready()) {
                    // In rotation: the load balancers learn first, the requests in flight end, then the stop.
                    drainGate.drain("an operator's restart").whenComplete((outcome, e) -> thread.execute("restart after drain",
                            () -> inFlight.stop(c, Cause.RESTART_REQUESTED, reason, List.of())));
                } else {
                    c.stop(Cause.RESTART_REQUESTED, reason, List.of(), spec.grace());
                }
            } else if (asked == RestartLoop.Operator.START_NOW && w != null) {
                w.spawn();
            }
        });
    }

    /** Explains a failed upstream probe with what the supervisor knows, if anything; runs on the watcher's event loop. */
    private Optional<SupervisionEvent> diagnose(ProbeResult failed) {
        ChildState s = loop.state();
        Wrapping w = wrapping;
        ChildExit exit = w != null ? w.lastExit().orElse(null) : null;
        if (s == ChildState.CRASH_LOOP && exit != null) {
            return Optional.of(new SupervisionEvent(Cause.CRASH_LOOP, "restart budget spent; last: " + exit.describe(), crashLoopAdvice, failed.at()));
        }
        if ((s == ChildState.BACKING_OFF || s == ChildState.EXITED) && exit != null) {
            return Optional.of(SupervisionEvent.of(exit.cause(), exit.describe() + (s == ChildState.BACKING_OFF ? "; restart pending" : ""), failed.at()));
        }
        LocatedProcess l = located;
        if (l != null && l.lost().isPresent()) {
            return l.lost();
        }
        if (failed.cause() == Cause.RESPONSE_TIMEOUT) {
            Optional<SlowProbe.Answer> slow = sideProbe.answeredSince(failed.at().minus(spec.slowTimeout())).filter(a -> a.slowerThan(upstream.timeout()));
            if (slow.isPresent()) {
                return Optional.of(new SupervisionEvent(Cause.SLOW, slow.get().describe(spec.slowTimeout(), upstream.timeout()), Cause.SLOW.advice(),
                        failed.at()));
            }
        }
        ChildProcess c = process();
        if (s != ChildState.RUNNING || c == null) {
            return Optional.empty();
        }
        Optional<SupervisionEvent> stopped = stoppedWatch.stopped(c, failed.at());
        if (stopped.isPresent() || failed.cause() != Cause.CONNECTION_REFUSED || port.isEmpty()
                || failed.at().isBefore(c.started().plus(upstream.startupGrace()))) {
            return stopped;
        }
        // Refused after the startup grace: is it listening somewhere else?
        return WrongPort.explain(c.handle(), host, port.getAsInt()).map(why -> SupervisionEvent.of(Cause.WRONG_PORT, why, failed.at()));
    }


    /** What to do about a crash loop: how an operator's restart is asked for here. Worked out once, at start-up. */
    private static String crashLoopAdvice(AdminSpec admin) {
        String how = admin.token().isPresent() ? (admin.loopbackTrusted() ? "with the admin token, or from loopback without one" : "with the admin token")
                : admin.loopbackTrusted() ? "from loopback (kubectl port-forward, a shell in the pod)" : null;
        return "Fix the cause shown in the restart history, then " + (how != null ? "POST /lifeguard/admin/restart " + how + ", or restart Lifeguard."
                : "restart Lifeguard (POST /lifeguard/admin/restart is disabled: set lifeguard.admin.token, or lifeguard.admin.loopback-trusted=true).");
    }

    /** Feeds the hang judge from the upstream's probes; runs on the watcher's event loop. */
    @Override
    public void probed(Verdict verdict) {
        if (!verdict.spec().isUpstream()) {
            return;
        }
        ProbeResult last = verdict.last();
        thread.execute("judge", () -> judge(last, verdict));
    }

    /** Without a process, only judges (for {@code /lifeguard/upstream/live}); with one, also acts. */
    private void judge(ProbeResult last, Verdict verdict) {
        LocatedProcess l = located;
        if (l != null) {
            l.locate();
        }
        ChildProcess c = process();
        boolean acting = c != null && loop.state() == ChildState.RUNNING && !last.at().isBefore(c.started());
        if (wrapping != null && !acting) {
            return;
        }
        if (acting && last.ok()) {
            c.answered = true;
        }
        if (verdict.ready()) {
            loop.healthy(verdict.since(), last.at());
        }
        hangs.observe(last, acting ? c : null, answer -> thread.execute("slow", () -> sideAnswered(c, answer))).ifPresent(d -> act(c, d));
    }

    /** The side probe came back: a slow answer names the upstream slow at once, and settles a hang that waited for it. */
    private void sideAnswered(ChildProcess c, Optional<SlowProbe.Answer> answer) {
        if (c != process() || loop.state() != ChildState.RUNNING) {
            return;
        }
        Verdict now = watchers.upstream();
        answer.filter(a -> a.slowerThan(upstream.timeout()) && now.last() != null && !now.last().ok()).ifPresent(a -> watchers.upstreamWatcher().fail(new SupervisionEvent(Cause.SLOW,
                a.describe(spec.slowTimeout(), upstream.timeout()), Cause.SLOW.advice(), a.at())));
        hangs.sideAnswered(c, answer).ifPresent(d -> act(c, d));
    }

    /**
     * Acts on a process that did not answer for the whole hang window: stops it if hung; if slow, as on-slow says; if
     * partly hung, drains it and stops it once the requests it still serves have ended.
     */
    private void act(ChildProcess c, HangDetector.Decision decision) {
        HangDetector.Hang hang = decision.hang();
        if (decision instanceof HangDetector.Stuck) {
            LOG.warnf("[hung] %s; restarting it once the requests it still serves have ended (at most %s); evidence:%n  %s", hang.why(),
                    Durations.exact(drainTimeout), String.join(System.lineSeparator() + "  ", hang.evidence()));
            loop.stopping();
            c.stopOutput = hang.threadDump().stream().map(line -> "thread dump: " + line).toList();
            if (watchers.ready()) {
                drainGate.drain("a partly hung process").whenComplete((outcome, e) -> thread.execute("restart after drain",
                        () -> inFlight.stop(c, Cause.HUNG, hang.why(), hang.evidence())));
            } else {
                inFlight.stop(c, Cause.HUNG, hang.why(), hang.evidence());
            }
            return;
        }
        if (decision instanceof HangDetector.Slow slow) {
            if (!spec.onSlow()) {
                LOG.warnf("[slow] %s; it stays out of rotation and is not restarted (lifeguard.restart.on-slow=false)", slow.why());
                return;
            }
            LOG.warnf("[slow] %s; restarting it once its requests in flight have ended (at most %s); evidence:%n  %s", slow.why(),
                    Durations.exact(drainTimeout), String.join(System.lineSeparator() + "  ", hang.evidence()));
            loop.stopping();
            inFlight.stop(c, Cause.SLOW, slow.why(), hang.evidence());
            return;
        }
        LOG.warnf("[hung] %s; evidence:%n  %s", hang.why(), String.join(System.lineSeparator() + "  ", hang.evidence()));
        loop.stopping();
        c.stopOutput = hang.threadDump().stream().map(line -> "thread dump: " + line).toList();
        c.stop(Cause.HUNG, hang.why(), hang.evidence(), spec.grace());
    }

    /**
     * Lifeguard is stopping (SIGTERM, SIGINT): before its HTTP server stops answering (Quarkus's pre-shutdown phase,
     * {@code quarkus.shutdown.delay-enabled}), drain the load balancers while the child still serves. Not ready
     * already means out of rotation: nothing to drain.
     */
    void drain(@Observes ShutdownDelayInitiatedEvent event) {
        if (wrapping == null || !(watchers.ready() || watchers.drain().isPresent())) {
            return;
        }
        try {
            drainGate.drain("Lifeguard is stopping").toCompletableFuture().get(drainBound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("The drain did not end in time (%s); stopping the child anyway", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lifeguard is stopping: stop the child gracefully and wait for it, then let Lifeguard exit with its status. */
    void shutdown(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 1000) ShutdownEvent event) {
        Wrapping w = wrapping;
        if (w == null) {
            return;
        }
        Optional<Integer> status = w.shutdown();
        thread.shutdownNow();
        if (status.isPresent()) {
            // A JVM stopped by a signal exits with 128 + that signal whatever its code returns; only halt() can pass
            // the child's status on, as a supervisor must.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(status.get());
        }
    }
}
