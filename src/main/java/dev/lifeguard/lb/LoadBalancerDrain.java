package dev.lifeguard.lb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.LoadBalancerSpec;
import dev.lifeguard.supervise.DrainGate;
import dev.lifeguard.watch.Drain;
import dev.lifeguard.watch.Watchers;
import io.vertx.core.Vertx;

/**
 * Drains: readiness turns {@code draining} at once (503, the agent's {@code up 0%}, HAProxy's weight 0 where pushing
 * is on), then the drain waits until every poller that polled steadily before it has polled again since, which is
 * when that load balancer has seen it, and every {@link DrainWitness} (Kubernetes' EndpointSlices) has seen it too,
 * and where HAProxy's Runtime API is set, until HAProxy has no session left to
 * the server (the requests in flight have ended); at most {@code lifeguard.drain.timeout}. One drain at a time: a
 * second request joins it, and {@link #undrain} ends it once it is over. Thread-safe.
 */
@ApplicationScoped
public class LoadBalancerDrain implements DrainGate {

    private static final Logger LOG = Logger.getLogger(LoadBalancerDrain.class);
    private static final long CHECK_EVERY_MILLIS = 10;
    private static final Duration ASK_HAPROXY_EVERY = Duration.ofMillis(100);

    private final Watchers watchers;
    private final Pollers pollers;
    private final LoadBalancerSpec spec;
    private final Clock clock;
    private final Vertx vertx;
    private final HaproxyPush push;
    private final Iterable<DrainWitness> witnesses;
    private final AtomicReference<CompletableFuture<DrainOutcome>> drain = new AtomicReference<>();

    LoadBalancerDrain(Watchers watchers, Pollers pollers, LoadBalancerSpec spec, Clock clock, Vertx vertx, HaproxyPush push,
            Instance<DrainWitness> witnesses) {
        this.push = push;
        this.witnesses = witnesses;
        this.watchers = watchers;
        this.pollers = pollers;
        this.spec = spec;
        this.clock = clock;
        this.vertx = vertx;
    }

    @Override
    public CompletionStage<DrainOutcome> drain(String why) {
        CompletableFuture<DrainOutcome> mine = new CompletableFuture<>();
        while (!drain.compareAndSet(null, mine)) {
            CompletableFuture<DrainOutcome> current = drain.get();
            if (current != null) {
                return current;
            }
        }
        Drain d = watchers.startDrain(why);
        List<Pollers.Key> waitFor = pollers.steadyBefore(d.since());
        List<DrainWitness> seeing = new ArrayList<>();
        witnesses.forEach(w -> {
            if (w.active()) {
                seeing.add(w);
            }
        });
        LOG.infof("Draining (%s): readiness answers 503 draining%s%s; waiting at most %s for %s%s%s", why,
                spec.agentCheckPort().isPresent() ? ", the agent-check up 0%" : "", push.enabled() ? ", HAProxy's weight 0" : "",
                Durations.exact(spec.drainTimeout()),
                waitFor.isEmpty() ? "no poller: none polls steadily" : waitFor.size() + " poller(s) to observe it " + waitFor,
                seeing.isEmpty() ? "" : ", " + String.join(", ", seeing.stream().map(w -> w.account(d.since())).toList()),
                push.enabled() ? ", then HAProxy's sessions to end" : "");
        new Waiting(d, waitFor, seeing, mine).start();
        return mine;
    }

    /** One drain's wait: the pollers first, then HAProxy's sessions, all within the drain timeout. */
    private final class Waiting {
        private final Drain drain;
        private final List<Pollers.Key> waitFor;
        private final List<DrainWitness> seeing;
        private final CompletableFuture<DrainOutcome> done;
        private final Instant deadline;
        private final AtomicBoolean asking = new AtomicBoolean();
        /** HAProxy's open sessions at the last answer, -1 before one; written by the push thread. */
        private volatile int sessions = -1;
        private volatile String haproxyProblem;
        private long lastAskNanos;

        Waiting(Drain drain, List<Pollers.Key> waitFor, List<DrainWitness> seeing, CompletableFuture<DrainOutcome> done) {
            this.drain = drain;
            this.waitFor = waitFor;
            this.seeing = seeing;
            this.done = done;
            this.deadline = drain.since().plus(spec.drainTimeout());
        }

        void start() {
            // One timer at a time, never cancelled: Vert.x can run a periodic timer's first turn before its id is
            // set, and cancelling it from there throws, which would leave the drain waiting forever.
            vertx.setTimer(1, id -> check());
        }

        private void check() {
            boolean observed = waitFor.stream().allMatch(k -> pollers.polledSince(k, drain.since(), spec.drainPolls()))
                    && seeing.stream().allMatch(w -> w.observed(drain.since()));
            boolean late = !clock.instant().isBefore(deadline);
            boolean idle = !push.enabled() || sessions == 0 || haproxyProblem != null;
            if (late || (observed && idle)) {
                finish(observed, idle);
                return;
            }
            if (observed) {
                askHaproxy();
            }
            vertx.setTimer(CHECK_EVERY_MILLIS, id -> check());
        }

        private void askHaproxy() {
            if (System.nanoTime() - lastAskNanos < ASK_HAPROXY_EVERY.toNanos() || !asking.compareAndSet(false, true)) {
                return;
            }
            lastAskNanos = System.nanoTime();
            push.sessions().whenComplete((n, e) -> {
                if (e != null) {
                    haproxyProblem = e.getMessage();
                } else {
                    sessions = n;
                }
                asking.set(false);
            });
        }

        private void finish(boolean observed, boolean idle) {
            String took = Durations.elapsed(Duration.between(drain.since(), clock.instant()));
            List<String> account = new ArrayList<>();
            seeing.forEach(w -> account.add(w.account(drain.since())));
            if (waitFor.isEmpty() && seeing.isEmpty()) {
                account.add("no load balancer polled steadily, so there was none to wait for");
            } else if (waitFor.isEmpty()) {
                account.add("no load balancer polled steadily");
            } else if (waitFor.stream().allMatch(k -> pollers.polledSince(k, drain.since(), spec.drainPolls()))) {
                account.add("observed by " + waitFor.size() + " poller(s), " + spec.drainPolls() + " poll(s) each");
            } else {
                account.add("not observed by " + waitFor.stream().filter(k -> !pollers.polledSince(k, drain.since(), spec.drainPolls())).toList());
            }
            if (push.enabled()) {
                account.add(haproxyProblem != null ? "HAProxy could not be asked for its sessions (" + haproxyProblem + ")"
                        : sessions == 0 ? "HAProxy has no session left to the server" : sessions < 0 ? "HAProxy's sessions not asked"
                                : "HAProxy still had " + sessions + " session(s)");
            }
            boolean complete = observed && idle;
            String line = String.join("; ", account) + (complete ? " in " + took
                    : ", within lifeguard.drain.timeout (" + Durations.exact(spec.drainTimeout()) + ")");
            if (complete) {
                LOG.infof("Drained: %s", line);
            } else {
                LOG.warnf("Drain timed out: %s; going on without it", line);
            }
            done.complete(new DrainOutcome(complete, line));
        }
    }

    /** The drain under way or done, if any. */
    public Optional<Drain> drainUnderWay() {
        return watchers.drain();
    }

    /** How the drain ended; empty while none has. */
    public Optional<DrainOutcome> outcome() {
        CompletableFuture<DrainOutcome> d = drain.get();
        return d != null && d.isDone() ? Optional.of(d.join()) : Optional.empty();
    }

    @Override
    public void undrain() {
        CompletableFuture<DrainOutcome> d = drain.get();
        if (d != null && d.isDone() && drain.compareAndSet(d, null)) {
            watchers.endDrain();
        }
    }
}
