package dev.lifeguard.supervise;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
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
import dev.lifeguard.diagnose.CommandFiles;
import dev.lifeguard.diagnose.Incidents;
import dev.lifeguard.diagnose.OverloadWatch;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.watch.SupervisionEvent;
import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.WatchListener;
import dev.lifeguard.watch.Watchers;
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
    private final Duration drainTimeout;
    private final CheckSpec upstream;
    private final Incidents incidents;
    private final OverloadWatch overload;
    private final InFlightStop inFlight;
    private final ProbeExplainer explainer;
    private final StoppedWatch stoppedWatch;
    /** The last task that failed on the supervisor thread, for the status; null when none has. */
    private volatile String unexpected;
    /** Set once, by {@link #start} in wrap mode or at start-up in sidecar mode; both null while watching only. */
    private volatile Wrapping wrapping;
    private volatile LocatedProcess located;

    Supervisor(LifeguardConfig config, Watchers watchers, Clock clock, Instance<SupervisorListener> listeners, DrainGate drainGate, Vertx vertx,
            Incidents incidents, OverloadWatch overload) {
        this.watchers = watchers;
        this.overload = overload;
        this.clock = clock;
        this.restarts = new RestartLog(HISTORY, listeners, incidents);
        this.incidents = incidents;
        this.drainGate = drainGate;
        try {
            this.spec = SupervisionSpec.from(config);
            this.crashLoopAdvice = AdminSpec.from(config).crashLoopAdvice();
            this.drainTimeout = LoadBalancerSpec.from(config).drainTimeout();
            this.upstream = CheckSpecs.from(config).get(0);
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
        this.loop = new RestartLoop(spec);
        OptionalInt port = SlowProbe.port(upstream.target());
        SlowProbe sideProbe = SlowProbe.of(upstream.target(), spec.slowTimeout(), vertx, clock);
        this.hangs = new HangDetector(spec.hangAfter(), spec.threadDump(), port, sideProbe, upstream.timeout(), clock);
        this.inFlight = new InFlightStop(thread, clock, port, drainTimeout, spec.grace(), drainGate, watchers::ready);
        this.stoppedWatch = new StoppedWatch(thread, () -> loop.state() == ChildState.RUNNING ? process() : null,
                event -> watchers.upstreamWatcher().fail(event), spec.hangAfter(), clock);
        this.explainer = new ProbeExplainer(spec, upstream, sideProbe, stoppedWatch, crashLoopAdvice);
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
                    overload.processStarted(c.pid());
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
                    inFlight.drainThenStop(c, Cause.RESTART_REQUESTED, reason, List.of(), "an operator's restart");
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
        Wrapping w = wrapping;
        return explainer.explain(failed, loop.state(), w != null ? w.lastExit().orElse(null) : null, located, process());
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
            inFlight.drainThenStop(c, Cause.HUNG, hang.why(), hang.evidence(), "a partly hung process");
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

    /** Whether Lifeguard runs the upstream's process itself. */
    boolean wraps() {
        return wrapping != null;
    }

    /**
     * Lifeguard is stopping: stops the wrapped child gracefully and waits for it. Returns its status once it has ended
     * for good, empty if it did not end in time or nothing is wrapped.
     */
    Optional<Integer> stopForShutdown() {
        Wrapping w = wrapping;
        if (w == null) {
            return Optional.empty();
        }
        Optional<Integer> status = w.shutdown();
        thread.shutdownNow();
        return status;
    }
}
