package dev.lifeguard.watch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Optional;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.config.Durations;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.Probe;
import dev.lifeguard.probe.ProbeResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * Probes one check on its own schedule, never two probes at once, and keeps its verdict. Probes and verdict updates
 * run on one event-loop context of its own, so there is a single writer; {@link #verdict()} may be read from any
 * thread. Contexts are dealt to the event loops in turn, so a thousand checks share every loop, not one.
 */
public final class CheckWatcher {

    /** What a watcher tells the one that made it, beyond its listeners. Called on the watcher's event loop. */
    interface Owner {
        /** A round started {@code by} later than it was due: the event loop was busy. */
        default void lateRound(CheckSpec spec, Duration by) {
        }

        /** The verdict changed in what load balancers are told (state, cause, or whether it admits traffic). */
        default void admissionInputChanged() {
        }
    }

    private static final Logger LOG = Logger.getLogger(CheckWatcher.class);
    /** Extra time a probe gets past its own timeout before the watcher gives up on it. */
    private static final long DEADLINE_SLACK_MILLIS = 1000;

    private final CheckSpec spec;
    private final Probe probe;
    private final Vertx vertx;
    private final Clock clock;
    private final WatchListener listener;
    private final TransitionLog log;
    private final Owner owner;
    private final AtomicReference<Verdict> verdict;
    private final Instant startedAt;
    private volatile long lastTickNanos = System.nanoTime();
    private volatile Function<ProbeResult, Optional<SupervisionEvent>> diagnosis = failed -> Optional.empty();
    private volatile long recoveryUntilNanos = System.nanoTime();
    /** The timer of the next probe, -1 while one runs (event loop only). */
    private long pendingTimer = -1;
    /** The probe still running, even past its deadline, and since when (event loop only). */
    private Future<ProbeResult> outstanding;
    private long outstandingSince;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    /** When the pending timer is due (event loop only); 0 when no timer is set. */
    private long dueNanos;
    /** The failure window and flap damping (event loop only). */
    private final FlapDetector flaps;
    private volatile boolean stopped;
    private final Context context;

    CheckWatcher(CheckSpec spec, Probe probe, Vertx vertx, Clock clock, WatchListener listener, TransitionLog log, Owner owner) {
        this.spec = spec;
        this.probe = probe;
        this.vertx = vertx;
        this.clock = clock;
        this.listener = listener;
        this.log = log;
        this.owner = owner;
        this.startedAt = clock.instant();
        this.verdict = new AtomicReference<>(Verdict.initial(spec, startedAt));
        this.flaps = new FlapDetector(spec);
        // Not getOrCreateContext(): called from one thread, it returns the same context, so one event loop, every time.
        this.context = ((VertxInternal) vertx).createEventLoopContext();
    }

    /** Starts probing. Before that, events and expected recoveries are recorded but nothing is probed. */
    void start() {
        context.runOnContext(v -> tick());
    }

    void stop() {
        stopped = true;
        probe.close();
    }

    public CheckSpec spec() {
        return spec;
    }

    public Verdict verdict() {
        return verdict.get();
    }

    /** Whether the schedule is alive: the last probe started no longer ago than a probe and an interval can take. */
    public boolean ticking() {
        long allowed = 2 * (spec.interval().toNanos() + spec.timeout().toNanos()) + Duration.ofMillis(DEADLINE_SLACK_MILLIS).toNanos();
        return System.nanoTime() - lastTickNanos <= allowed;
    }

    /**
     * Sets what explains a failed probe with knowledge the probe lacks: that the process is stopped, dead, or
     * crash-looping. Such an explanation is definite: the check is not ready at once. Applied on the event loop to
     * every failed result; must be quick.
     */
    public void diagnoseWith(Function<ProbeResult, Optional<SupervisionEvent>> diagnosis) {
        this.diagnosis = diagnosis;
    }

    /**
     * Records what the supervisor knows for certain (the process died): the check becomes not ready at once, without
     * waiting for the failure threshold. Not a probe. Safe from any thread; the future completes once the verdict,
     * and what load balancers and incidents are told, have followed.
     */
    public Future<Void> fail(SupervisionEvent event) {
        Promise<Void> applied = Promise.promise();
        context.runOnContext(v -> {
            update(Hysteresis.failNow(verdict.get(), null, event), event.at());
            applied.complete();
        });
        return applied.future();
    }

    /**
     * A process has just been (re)started: until the check is ready again, or {@code within} has passed, probe every
     * fast interval instead of every interval (capacity returns within one of it listening), and start now.
     */
    public void expectRecovery(Duration within) {
        recoveryUntilNanos = System.nanoTime() + within.toNanos();
        context.runOnContext(v -> {
            flaps.restarted();
            // Between probes: bring the next one forward. During a probe, the next delay is already the short one.
            if (pendingTimer >= 0 && vertx.cancelTimer(pendingTimer)) {
                setTimer(spec.fastInterval().toMillis());
            }
        });
    }

    /**
     * Whether the next probe should come after the fast interval: a restarted process is expected back, the last
     * result would change the state if the next one agrees (a first failure while ready, a first success while not),
     * or a ready check failed in rotation within the window (a service that fails now and then is watched closely, so
     * its next bad spell is seen whole). Not while a flapping check earns its way back: successes 100 ms apart would
     * all fit between two of its failures.
     */
    private boolean hurried() {
        Verdict v = verdict.get();
        boolean recovering = !v.ready() && System.nanoTime() - recoveryUntilNanos < 0;
        boolean confirming = v.ready() ? v.consecutiveFailures() > 0 || flaps.failedInRotationWithinWindow(clock.instant())
                : v.consecutiveSuccesses() > 0 && v.successesNeeded() <= spec.successThreshold();
        return recovering || confirming;
    }

    /** Rounds skipped because the previous probe was still running. */
    public long skippedRounds() {
        return skipped.get();
    }

    /** Rounds that started late: the event loop was busy when the check was due. */
    public long lateRounds() {
        return late.get();
    }

    /** The event-loop context every probe and verdict update of this check runs on. */
    Context context() {
        return context;
    }

    private void tick() {
        pendingTimer = -1;
        if (stopped) {
            return;
        }
        long began = System.nanoTime();
        lastTickNanos = began;
        noteLateness(began);
        if (outstanding != null) {
            // Never two probes at once: a stuck probe (a check command whose descendants hold its output) must not
            // pile up workers. The round fails, and is counted, until it ends.
            skipped.incrementAndGet();
            Duration running = Duration.ofNanos(began - outstandingSince);
            ProbeResult stuck = ProbeResult.failed(Cause.UNEXPECTED, "the previous probe is still running after " + Durations.elapsed(running)
                    + "; round skipped", Duration.ZERO, clock.instant(), 0);
            update(Hysteresis.next(verdict.get(), stuck, startedAt), stuck.at());
            scheduleNext(began);
            return;
        }
        Future<ProbeResult> running = start(began);
        outstanding = running;
        outstandingSince = began;
        // The deadline is a timer on this context, not Future.timeout: on a probe's context-less future that is a task on
        // Netty's global executor, a thread woken for every probe, whose expiry would write the verdict from there.
        boolean[] judged = { false };
        long deadline = vertx.setTimer(spec.timeout().toMillis() + DEADLINE_SLACK_MILLIS, id -> {
            judged[0] = true;
            judge(began, ProbeResult.failed(Cause.UNEXPECTED, "the probe did not finish within its timeout",
                    Duration.ofNanos(System.nanoTime() - began), clock.instant(), 0));
        });
        running.onComplete(r -> onContext(() -> {
            outstanding = null;
            if (!judged[0]) {
                judged[0] = true;
                vertx.cancelTimer(deadline);
                judge(began, r.succeeded() ? r.result() : ProbeResult.failed(Cause.UNEXPECTED, String.valueOf(r.cause()),
                        Duration.ofNanos(System.nanoTime() - began), clock.instant(), 0));
            }
        }));
    }

    /** Runs now when already on this check's context (a probe on the event loop), else as a task on it (an exec probe's worker). */
    private void onContext(Runnable task) {
        if (Vertx.currentContext() == context) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    private void judge(long began, ProbeResult result) {
        if (stopped) {
            return;
        }
        Optional<SupervisionEvent> known = result.ok() ? Optional.empty() : diagnosis.apply(result);
        Verdict after = flaps.next(verdict.get(), result, startedAt, known);
        update(after, result.at());
        listener.probed(after);
        scheduleNext(began);
    }

    /** The probe's own future; an exception it throws (a bug, a value it cannot handle) is a failed probe. */
    private Future<ProbeResult> start(long began) {
        try {
            return probe.probe();
        } catch (RuntimeException e) {
            return Future.succeededFuture(ProbeResult.failed(Cause.UNEXPECTED, "the probe threw " + e,
                    Duration.ofNanos(System.nanoTime() - began), clock.instant(), 0));
        }
    }

    private void scheduleNext(long began) {
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
        // Checks that start together keep probing together: one wake of an event loop serves many probes. Spread
        // over the interval, each probe woke a loop of its own: 40 % more CPU per probe, for 1 ms of readiness p99
        // (bench/checks.py, README's Performance).
        long delay = (hurried() ? spec.fastInterval() : spec.interval()).toMillis();
        setTimer(Math.max(1, delay - elapsedMillis));
    }

    private void setTimer(long delayMillis) {
        dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        pendingTimer = vertx.setTimer(delayMillis, id -> tick());
    }

    /** A round is late when its timer fires a quarter of the interval (at least 100 ms) after it was due. */
    private void noteLateness(long began) {
        if (dueNanos == 0) {
            return;
        }
        long by = began - dueNanos;
        dueNanos = 0;
        if (by > Math.max(TimeUnit.MILLISECONDS.toNanos(100), spec.interval().toNanos() / 4)) {
            late.incrementAndGet();
            owner.lateRound(spec, Duration.ofNanos(by));
        }
    }

    private void update(Verdict after, Instant at) {
        if (stopped) {
            return;
        }
        Verdict before = verdict.getAndSet(after);
        boolean admissionInput = before.last() == null || after.state() != before.state() || after.cause() != before.cause()
                || after.admitsTraffic() != before.admitsTraffic();
        if (after.state() != before.state()) {
            Transition transition = new Transition(spec.name(), before.state(), after.state(), after.cause(), after.explanation(), at);
            log.add(transition);
            if (after.ready()) {
                LOG.infof("%s is %s (was %s for %s): %s", spec.name(), after.state().code(), before.state().code(),
                        Durations.elapsed(Duration.between(before.since(), at)), after.explanation());
            } else {
                LOG.warnf("%s is %s [%s]: %s Advice: %s", spec.name(), after.state().code(), after.cause().code(),
                        after.explanation(), after.advice());
            }
            listener.transitioned(transition);
        }
        listener.updated(after);
        if (admissionInput) {
            owner.admissionInputChanged();
        }
    }
}
