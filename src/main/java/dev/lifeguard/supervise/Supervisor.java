package dev.lifeguard.supervise;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.lifeguard.config.AdminSpec;
import dev.lifeguard.config.DryRun;
import dev.lifeguard.config.Durations;
import dev.lifeguard.config.Redaction;
import dev.lifeguard.config.InvalidConfigException;
import dev.lifeguard.config.LifeguardConfig;
import dev.lifeguard.config.RestartConfig.BudgetSpent;
import dev.lifeguard.config.SupervisionSpec;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.watch.CheckWatcher;
import dev.lifeguard.watch.SupervisionEvent;
import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.WatchListener;
import dev.lifeguard.watch.Watchers;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Runs the wrapped command as a child, sees it exit the moment it does, judges it hung from the upstream's probes,
 * gathers evidence, and restarts it with back-off within a budget. Every decision runs on one supervisor thread, which
 * also spawns the child so that the child's parent-death signal stays tied to a thread that lives as long as
 * Lifeguard. Public methods are thread-safe.
 */
@ApplicationScoped
public class Supervisor implements WatchListener {

    private static final Logger LOG = Logger.getLogger(Supervisor.class);
    private static final int HISTORY = 50;
    /** How long after a (re)start the upstream is probed quickly until it is ready. */
    private static final Duration RECOVERY_WINDOW = Duration.ofSeconds(30);

    private final LifeguardConfig config;
    private final Watchers watchers;
    private final Clock clock;
    private final IncidentLog incidents;
    private final SupervisorThread thread = new SupervisorThread(this::failed, this::publish);
    private final AtomicReference<SupervisorStatus> status = new AtomicReference<>(SupervisorStatus.inactive());
    /** The last task that failed on the supervisor thread, for the status; null when none has. */
    private volatile String unexpected;
    private final WritableByteChannel stdout = new FileOutputStream(FileDescriptor.out).getChannel();
    private final WritableByteChannel stderr = new FileOutputStream(FileDescriptor.err).getChannel();
    private final OomCounter oom = OomCounter.detect();
    private final CompletableFuture<Integer> endedForGood = new CompletableFuture<>();

    private final SupervisionSpec spec;
    private final RestartLoop loop;
    private final HangDetector hangs;
    private final String crashLoopAdvice;
    /** Set once by {@link #start}, before the first task. */
    private volatile List<String> command = List.of();
    private volatile List<String> launcher = List.of();
    private volatile ChildProcess child;
    private volatile ChildExit lastExit;
    /** Sidecar mode: how the last found process ended, until another is found. */
    private volatile SupervisionEvent lost;
    private final ProcessLocator locator;
    /** The back-off's restart while one is pending (supervisor thread only): voided by an operator's restart. */
    private ScheduledFuture<?> pendingRestart;

    Supervisor(LifeguardConfig config, Watchers watchers, Clock clock, Instance<SupervisorListener> listeners) {
        this.config = config;
        this.watchers = watchers;
        this.clock = clock;
        this.incidents = new IncidentLog(HISTORY, listeners);
        try {
            this.spec = SupervisionSpec.from(config);
            this.crashLoopAdvice = crashLoopAdvice(AdminSpec.from(config));
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
        this.loop = new RestartLoop(spec);
        this.hangs = new HangDetector(spec.hangAfter(), spec.threadDump());
        this.locator = new ProcessLocator(spec.pidfile(), spec.match());
    }

    void validate(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        if (spec.locatesProcess() && !DryRun.active()) {
            publish();
            watchers.upstreamWatcher().diagnoseWith(this::diagnose);
            LOG.infof("Looking for the upstream's process by %s; a hung one is killed after %s (SIGTERM, SIGKILL after %s) for the kubelet to restart",
                    spec.pidfile().map(p -> "pidfile " + p).orElse("command line matching '" + spec.match().map(Object::toString).orElse("") + "'"),
                    Durations.exact(spec.hangAfter()), Durations.exact(spec.grace()));
            SupervisionTools.warnWithoutKill();
            thread.execute("locate", this::locate);
        }
    }

    /** A task on the supervisor thread failed: said loudly, and kept for the status. */
    private void failed(String what, Throwable e) {
        unexpected = clock.instant() + ": the supervisor's " + what + " failed: " + e;
        LOG.errorf(e, "[unexpected] the supervisor's %s failed (child state %s): %s; please report it", what, state().code(), e);
    }

    /** The supervisor as it stood after its last decision: one moment, read whole. */
    public SupervisorStatus status() {
        return status.get();
    }

    /** Publishes what the last task changed (supervisor thread, or start-up before any task). */
    private void publish() {
        ChildProcess c = child;
        ChildState s = loop.state();
        long pid = c == null || s == ChildState.BACKING_OFF || s == ChildState.CRASH_LOOP ? -1 : c.pid();
        status.set(new SupervisorStatus(active(), s, pid, command, Optional.ofNullable(lastExit), loop.restarts(), spec.window(),
                spec.maxRestarts(), incidents.all(), unexpected));
    }

    /** Starts supervising {@code command}; returns at once. */
    public void start(List<String> command) {
        if (spec.locatesProcess()) {
            throw new ConfigurationException("Invalid configuration: lifeguard.process.pidfile or lifeguard.process.match finds a process "
                    + "Lifeguard does not start; do not also give a command after --");
        }
        this.command = List.copyOf(command);
        this.launcher = SupervisionTools.launcher();
        CheckWatcher upstream = watchers.upstreamWatcher();
        upstream.diagnoseWith(this::diagnose);
        LOG.infof("Wrapping: %s (restart %s, grace %s, hang after %s, back-off %s to %s, at most %d restarts in %s; OOM evidence: %s)",
                Redaction.commandLine(command), spec.policy().name().toLowerCase().replace('_', '-'), Durations.exact(spec.grace()),
                Durations.exact(spec.hangAfter()), Durations.exact(spec.backoff()), Durations.exact(spec.backoffMax()),
                spec.maxRestarts(), Durations.exact(spec.window()), oom.source());
        List<String> forwarded = SignalForwarding.install(name -> thread.execute("SIG" + name, () -> {
            ChildProcess c = child;
            if (c != null && c.alive()) {
                c.signal(name);
            }
        }));
        LOG.debugf("Forwarding SIG%s to the child", String.join(", SIG", forwarded));
        publish();
        thread.execute("spawn", this::spawn);
    }

    private boolean wrapping() {
        return !command.isEmpty();
    }

    /** Whether Lifeguard wraps a command or looks for the upstream's process: whether there is a supervisor to report. */
    private boolean active() {
        return wrapping() || spec.locatesProcess();
    }

    /** Whether there is a process to act on: our child, or one found in a shared PID namespace. */
    public boolean supervising() {
        return wrapping() || child != null;
    }

    /** Sidecar mode: finds the upstream's process by pidfile or command line, unless it is known and alive. */
    private void locate() {
        ChildProcess known = child;
        if (known != null && known.alive()) {
            return;
        }
        if (known != null) {
            // Seen dead before its exit event arrived: record it now (lost() runs once per process).
            lost(known);
        }
        Optional<ProcessHandle> found = locator.find();
        if (found.isEmpty()) {
            child = null;
            return;
        }
        ChildProcess c = ChildProcess.found(found.get(), clock.instant());
        child = c;
        lost = null;
        loop.started();
        hangs.reset();
        LOG.infof("Found the upstream's process %d: %s", c.pid(), ProcessLocator.commandLine(c.pid()).map(Redaction::commandLine).orElse("?"));
        c.onExit().thenRun(() -> thread.execute("lost", () -> lost(c)));
    }

    /** A process we found but did not start has ended: not ready at once; the kubelet restarts its container. */
    private void lost(ChildProcess c) {
        if (child != c) {
            return;
        }
        child = null;
        loop.gone();
        String how = c.stopReason != null ? "stopped by Lifeguard: " + c.stopReason : "ended";
        String explanation = "process " + c.pid() + " " + how + " after " + Durations.elapsed(Duration.between(c.started(), clock.instant()))
                + " of supervision; its container's restart is up to the kubelet";
        Cause cause = c.stoppedFor != null ? c.stoppedFor : Cause.GONE;
        incidents.record(new Incident(clock.instant(), c.pid(), cause, explanation, cause.advice(), c.stopEvidence, c.stopOutput, -1));
        lost = SupervisionEvent.of(cause, explanation, clock.instant());
        watchers.upstreamWatcher().fail(lost);
    }

    private ChildState state() {
        return loop.state();
    }

    /** Whether a kubelet should restart the upstream: judged hung, or crash-looping. */
    public boolean upstreamDead() {
        return hangs.judgedHung() || state() == ChildState.CRASH_LOOP;
    }

    /** Completes with the child's status once it has ended for good. */
    public CompletableFuture<Integer> endedForGood() {
        return endedForGood;
    }

    /** Restarts the child now, whatever its state; resets the back-off and the budget. */
    public void restartNow(String reason) {
        thread.execute("operator's restart", () -> {
            if (!supervising()) {
                return;
            }
            ChildProcess c = child;
            RestartLoop.Operator asked = loop.requested(c != null && c.alive());
            cancelPendingRestart();
            if (asked == RestartLoop.Operator.STOP) {
                loop.stopping();
                c.stop(Cause.RESTART_REQUESTED, reason, List.of(), spec.grace());
            } else if (asked == RestartLoop.Operator.START_NOW && wrapping()) {
                spawn();
            }
        });
    }

    private void cancelPendingRestart() {
        if (pendingRestart != null) {
            pendingRestart.cancel(false);
            pendingRestart = null;
        }
    }

    private void spawn() {
        if (loop.shuttingDown()) {
            return;
        }
        ChildProcess c;
        try {
            c = ChildProcess.launch(launcher, command, clock.instant(), oom.read().orElse(-1), stdout, stderr);
        } catch (IOException | RuntimeException e) {
            LOG.errorf("Cannot start %s: %s", Redaction.commandLine(launcher) + " " + Redaction.commandLine(command), e);
            Quarkus.asyncExit(127);
            return;
        }
        loop.started();
        child = c;
        hangs.reset();
        LOG.infof("Started process %d: %s", c.pid(), Redaction.commandLine(command));
        watchers.upstreamWatcher().expectRecovery(RECOVERY_WINDOW);
        c.onExit().thenRun(() -> thread.execute("exited", () -> exited(c)));
    }

    private void exited(ChildProcess c) {
        if (c != child) {
            // Only the current child's exit decides anything; an older one's was decided when it was replaced.
            return;
        }
        Instant at = clock.instant();
        long oomNow = oom.read().orElse(-1);
        if (!loop.shuttingDown()) {
            // Not ready first: the output can wait a moment, traffic cannot.
            ChildExit first = c.exit(at, oomNow, false);
            watchers.upstreamWatcher().fail(SupervisionEvent.of(first.cause(), first.describe(), at));
        }
        // What it left running holds its output open and would keep the port: end it before anything else.
        List<String> leftovers = c.endLeftovers(spec.grace());
        c.drainOutput();
        ChildExit exit = c.exit(at, oomNow, true);
        lastExit = exit;
        Cause cause = exit.cause();
        RestartLoop.Next next = loop.exited(exit, c.answered);
        if (next.kind() == RestartLoop.Next.Kind.END && loop.shuttingDown()) {
            LOG.infof("The child %s", exit.describe());
            endedForGood.complete(exit.status());
            return;
        }
        List<String> evidence = new ArrayList<>(c.stopEvidence);
        evidence.addAll(leftovers);
        List<String> output = c.output(exit);
        switch (next.kind()) {
            case NEVER_RAN, END -> {
                boolean neverRan = next.kind() == RestartLoop.Next.Kind.NEVER_RAN;
                String why = neverRan ? "before it ever answered: the command (or one it runs) cannot be run; not restarting, Lifeguard exits with "
                        + exit.status() : "restart policy " + spec.policy().name().toLowerCase().replace('_', '-') + ": not restarting";
                incidents.record(new Incident(exit.at(), exit.pid(), cause, exit.describe() + "; " + why, neverRan
                        ? "Fix the command after -- (its last lines are in the output): install the program or correct its name or path."
                        : cause.advice(), evidence, output, -1));
                endedForGood.complete(exit.status());
                Quarkus.asyncExit(exit.status());
            }
            case CRASH_LOOP -> {
                boolean leave = spec.whenBudgetSpent() == BudgetSpent.EXIT;
                String why = exit.describe() + "; " + spec.maxRestarts() + " restart(s) in " + Durations.exact(spec.window()) + " spent the budget: "
                        + (leave ? "lifeguard.restart.when-budget-spent=exit: Lifeguard exits with status " + exit.status()
                                : "not restarting until an operator's restart");
                incidents.record(new Incident(exit.at(), exit.pid(), Cause.CRASH_LOOP, why, crashLoopAdvice, evidence, output, -1));
                watchers.upstreamWatcher().fail(new SupervisionEvent(Cause.CRASH_LOOP, why, crashLoopAdvice, exit.at()));
                if (leave) {
                    endedForGood.complete(exit.status());
                    Quarkus.asyncExit(exit.status());
                }
            }
            case RESTART -> {
                incidents.record(new Incident(exit.at(), exit.pid(), cause, exit.describe(), cause.advice(), evidence, output, next.delay().toMillis()));
                pendingRestart = thread.schedule("restart", () -> {
                    if (loop.due(next.restart())) {
                        spawn();
                    }
                }, next.delay());
            }
        }
    }

    /** Explains a failed upstream probe with what the supervisor knows, if anything; runs on the watcher's event loop. */
    private Optional<SupervisionEvent> diagnose(ProbeResult failed) {
        ChildState s = state();
        ChildExit exit = lastExit;
        if (s == ChildState.CRASH_LOOP && exit != null) {
            return Optional.of(new SupervisionEvent(Cause.CRASH_LOOP, "restart budget spent; last: " + exit.describe(), crashLoopAdvice, failed.at()));
        }
        if ((s == ChildState.BACKING_OFF || s == ChildState.EXITED) && exit != null) {
            return Optional.of(SupervisionEvent.of(exit.cause(), exit.describe() + (s == ChildState.BACKING_OFF ? "; restart pending" : ""), failed.at()));
        }
        SupervisionEvent gone = lost;
        if (gone != null) {
            return Optional.of(gone);
        }
        ChildProcess c = child;
        if (s == ChildState.RUNNING && c != null) {
            Optional<Character> procState = ProcSnapshot.state(c.pid());
            if (procState.isPresent() && ProcSnapshot.stopped(procState.get())) {
                return Optional.of(new SupervisionEvent(Cause.STOPPED, "process " + c.pid() + " is " + ProcSnapshot.stateName(procState.get()),
                        "Resume it with kill -CONT " + c.pid() + ", or Lifeguard " + (c.own() ? "restarts" : "kills") + " it once it has not answered for "
                                + Durations.exact(spec.hangAfter()) + (c.own() ? "" : " (for the kubelet to restart)") + ".",
                        failed.at()));
            }
        }
        return Optional.empty();
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

    /** Without a child, only judges (for {@code /lifeguard/upstream/live}); with one, also acts. */
    private void judge(ProbeResult last, Verdict verdict) {
        if (spec.locatesProcess()) {
            locate();
        }
        ChildProcess c = child;
        boolean acting = c != null && state() == ChildState.RUNNING && !last.at().isBefore(c.started());
        if (wrapping() && !acting) {
            return;
        }
        if (acting && last.ok()) {
            c.answered = true;
        }
        if (verdict.ready()) {
            loop.healthy(verdict.since(), last.at());
        }
        hangs.observe(last, acting ? c : null).ifPresent(hang -> {
            loop.stopping();
            c.stopOutput = hang.threadDump().stream().map(l -> "thread dump: " + l).toList();
            c.stop(Cause.HUNG, hang.why(), hang.evidence(), spec.grace());
        });
    }

    /** Lifeguard is stopping: stop the child gracefully and wait for it, then let Lifeguard exit with its status. */
    void shutdown(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 1000) ShutdownEvent event) {
        if (!wrapping()) {
            return;
        }
        CompletableFuture<Void> done = thread.submit("shutdown", () -> {
            loop.shutdown();
            cancelPendingRestart();
            ChildProcess c = child;
            if (c != null && c.alive()) {
                loop.stopping();
                c.stop(null, "Lifeguard is shutting down", List.of(), spec.grace());
            }
            if (c != null) {
                c.endLeftovers(spec.grace());
            }
            return null;
        });
        try {
            done.get(2 * spec.grace().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            ChildProcess c = child;
            if (c != null) {
                c.onExit().get(5, TimeUnit.SECONDS);
                endedForGood.complete(c.exit(clock.instant(), -1, false).status());
            }
        } catch (Exception e) {
            LOG.warnf("The child did not end in time: %s", e.toString());
        }
        thread.shutdownNow();
        if (endedForGood.isDone()) {
            // A JVM stopped by a signal exits with 128 + that signal whatever its code returns; only halt() can pass
            // the child's status on, as a supervisor must.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(endedForGood.join());
        }
    }
}
