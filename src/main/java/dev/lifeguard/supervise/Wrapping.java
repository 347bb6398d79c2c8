package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.Redaction;
import dev.lifeguard.config.RestartConfig.BudgetSpent;
import dev.lifeguard.config.SupervisionSpec;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.watch.CheckWatcher;
import dev.lifeguard.watch.SupervisionEvent;
import io.vertx.core.Future;
import io.quarkus.runtime.Quarkus;

/**
 * Wrap mode: runs the command as Lifeguard's child, sees it exit the moment it does, records why, and restarts it as
 * the restart loop decides. Runs on the supervisor thread, which also spawns the child so that the child's
 * parent-death signal stays tied to a thread that lives as long as Lifeguard; the volatile fields are read anywhere.
 */
final class Wrapping {

    private static final Logger LOG = Logger.getLogger(Wrapping.class);
    /** How long after a (re)start the upstream is probed quickly until it is ready. */
    private static final Duration RECOVERY_WINDOW = Duration.ofSeconds(30);

    private final List<String> command;
    private final List<String> launcher = SupervisionTools.launcher();
    private final SupervisionSpec spec;
    private final RestartLoop loop;
    private final HangDetector hangs;
    private final RestartLog restarts;
    private final SupervisorThread thread;
    private final CheckWatcher upstream;
    private final Clock clock;
    private final String crashLoopAdvice;
    private final CompletableFuture<Integer> endedForGood;
    /** Told after every start: a drained restart is over. */
    private final Consumer<ChildProcess> started;
    private final WritableByteChannel stdout = new SharedStream(System.out);
    private final WritableByteChannel stderr = new SharedStream(System.err);
    private final OomCounter oom = OomCounter.detect();
    private volatile ChildProcess child;
    private volatile ChildExit lastExit;
    /** The back-off's restart while one is pending (supervisor thread only): voided by an operator's restart. */
    private ScheduledFuture<?> pendingRestart;

    Wrapping(List<String> command, SupervisionSpec spec, RestartLoop loop, HangDetector hangs, RestartLog restarts, SupervisorThread thread,
            CheckWatcher upstream, Clock clock, String crashLoopAdvice, CompletableFuture<Integer> endedForGood, Consumer<ChildProcess> started) {
        this.started = started;
        this.command = List.copyOf(command);
        this.spec = spec;
        this.loop = loop;
        this.hangs = hangs;
        this.restarts = restarts;
        this.thread = thread;
        this.upstream = upstream;
        this.clock = clock;
        this.crashLoopAdvice = crashLoopAdvice;
        this.endedForGood = endedForGood;
    }

    /** Says how the command is wrapped, forwards the operator's signals to it, and starts it; returns at once. */
    void start() {
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
        thread.execute("spawn", this::spawn);
    }

    List<String> command() {
        return command;
    }

    /** The current child (dead or alive), null before the first start. */
    ChildProcess child() {
        return child;
    }

    Optional<ChildExit> lastExit() {
        return Optional.ofNullable(lastExit);
    }

    void cancelPendingRestart() {
        if (pendingRestart != null) {
            pendingRestart.cancel(false);
            pendingRestart = null;
        }
    }

    void spawn() {
        if (loop.shuttingDown()) {
            return;
        }
        ChildProcess c;
        try {
            c = ChildProcess.launch(launcher, command, clock.instant(), oom.snapshot(), stdout, stderr);
        } catch (IOException | RuntimeException e) {
            LOG.errorf("Cannot start %s: %s; Lifeguard exits with 127", Redaction.commandLine(launcher) + " " + Redaction.commandLine(command), e);
            // Lifeguard's status is this failure's, not that of a child that ended before it.
            endedForGood.complete(127);
            Quarkus.asyncExit(127);
            return;
        }
        loop.started();
        child = c;
        hangs.reset();
        OomScore.raise(c.pid());
        LOG.infof("Started process %d: %s", c.pid(), Redaction.commandLine(command));
        upstream.expectRecovery(RECOVERY_WINDOW);
        started.accept(c);
        c.onExit().thenRun(() -> thread.execute("exited", () -> exited(c)));
    }

    /** Bounded: an event loop held up elsewhere delays the restart's record by at most this, never the restart. */
    private static void awaitApplied(Future<Void> applied) {
        try {
            applied.toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debugf("The exit reached the upstream's verdict late: %s", e);
        }
    }

    private void exited(ChildProcess c) {
        if (c != child) {
            // Only the current child's exit decides anything; an older one's was decided when it was replaced.
            return;
        }
        Instant at = clock.instant();
        OomKills oomKills = oom.since(c.oomAtStart());
        if (!loop.shuttingDown()) {
            // Not ready first: the output can wait a moment, traffic cannot.
            ChildExit first = c.exit(at, oomKills, false);
            // Waited for: the incident this opens must be there for the restart below to join it.
            awaitApplied(upstream.fail(SupervisionEvent.of(first.cause(), first.describe(), at)));
        }
        // What it left running holds its output open and would keep the port: end it before anything else.
        List<String> leftovers = c.endLeftovers(spec.grace());
        c.drainOutput();
        ChildExit exit = c.exit(at, oomKills, true);
        lastExit = exit;
        RestartLoop.Next next = loop.exited(exit, c.answered);
        if (next.kind() == RestartLoop.Next.Kind.END && loop.shuttingDown()) {
            LOG.infof("The child %s", exit.describe());
            endedForGood.complete(exit.status());
            return;
        }
        List<String> evidence = new ArrayList<>(c.stopEvidence);
        evidence.addAll(leftovers);
        List<String> output = c.output(exit);
        Cause cause = exit.cause();
        switch (next.kind()) {
            case NEVER_RAN, END -> {
                boolean neverRan = next.kind() == RestartLoop.Next.Kind.NEVER_RAN;
                String why = neverRan ? "before it ever answered: the command (or one it runs) cannot be run; not restarting, Lifeguard exits with "
                        + exit.status() : "restart policy " + spec.policy().name().toLowerCase().replace('_', '-') + ": not restarting";
                restarts.record(new Restart(exit.at(), exit.pid(), cause, exit.describe() + "; " + why, neverRan
                        ? "Fix the command after -- (its last lines are in the output): install the program or correct its name or path."
                        : exit.advice(), evidence, output, -1));
                endedForGood.complete(exit.status());
                Quarkus.asyncExit(exit.status());
            }
            case CRASH_LOOP -> {
                boolean leave = spec.whenBudgetSpent() == BudgetSpent.EXIT;
                String why = exit.describe() + "; " + spec.maxRestarts() + " restart(s) in " + Durations.exact(spec.window()) + " spent the budget ("
                        + restarts.causesSince(exit.at().minus(spec.window()), cause) + "): "
                        + (leave ? "lifeguard.restart.when-budget-spent=exit: Lifeguard exits with status " + exit.status()
                                : "not restarting until an operator's restart");
                restarts.record(new Restart(exit.at(), exit.pid(), Cause.CRASH_LOOP, why, crashLoopAdvice, evidence, output, -1));
                upstream.fail(new SupervisionEvent(Cause.CRASH_LOOP, why, crashLoopAdvice, exit.at()));
                if (leave) {
                    endedForGood.complete(exit.status());
                    Quarkus.asyncExit(exit.status());
                }
            }
            case RESTART -> {
                restarts.record(new Restart(exit.at(), exit.pid(), cause, exit.describe(), exit.advice(), evidence, output, next.delay().toMillis()));
                pendingRestart = thread.schedule("restart", () -> {
                    if (loop.due(next.restart())) {
                        spawn();
                    }
                }, next.delay());
            }
        }
    }

    /**
     * Lifeguard is stopping: stops the child gracefully, ends everything it started, and waits for it. Returns the
     * child's status once it has ended for good, empty if it did not end in time.
     */
    Optional<Integer> shutdown() {
        CompletableFuture<Void> done = thread.submit("shutdown", () -> {
            loop.shutdown();
            cancelPendingRestart();
            ChildProcess c = child;
            if (c != null && c.alive()) {
                loop.stopping();
                c.stop(null, "Lifeguard is shutting down", List.of(), spec.grace());
            } else if (c != null) {
                LOG.infof("Lifeguard is shutting down; process %d had already ended (%s), and is not restarted", c.pid(),
                        lastExit != null ? lastExit.describe() : "exit pending");
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
                endedForGood.complete(c.exit(clock.instant(), OomKills.UNKNOWN, false).status());
            }
        } catch (Exception e) {
            LOG.warnf("The child did not end in time: %s", e.toString());
        }
        return endedForGood.isDone() ? Optional.of(endedForGood.join()) : Optional.empty();
    }
}
