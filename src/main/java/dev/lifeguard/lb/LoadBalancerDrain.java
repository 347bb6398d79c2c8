package dev.lifeguard.lb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.LoadBalancerSpec;
import dev.lifeguard.supervise.DrainGate;
import dev.lifeguard.watch.Drain;
import dev.lifeguard.watch.Watchers;
import io.vertx.core.Vertx;

/**
 * Drains: readiness turns {@code draining} at once (503, the agent's {@code up 0%}), then the drain waits until every
 * poller that polled steadily before it has polled again since, which is when that load balancer has seen it, or
 * until {@code lifeguard.drain.timeout}. One drain per Lifeguard: a second request joins the first. Thread-safe.
 */
@ApplicationScoped
public class LoadBalancerDrain implements DrainGate {

    private static final Logger LOG = Logger.getLogger(LoadBalancerDrain.class);
    private static final long CHECK_EVERY_MILLIS = 10;

    private final Watchers watchers;
    private final Pollers pollers;
    private final LoadBalancerSpec spec;
    private final Clock clock;
    private final Vertx vertx;
    private final AtomicReference<CompletableFuture<DrainOutcome>> drain = new AtomicReference<>();

    LoadBalancerDrain(Watchers watchers, Pollers pollers, LoadBalancerSpec spec, Clock clock, Vertx vertx) {
        this.watchers = watchers;
        this.pollers = pollers;
        this.spec = spec;
        this.clock = clock;
        this.vertx = vertx;
    }

    @Override
    public CompletionStage<DrainOutcome> drain(String why) {
        CompletableFuture<DrainOutcome> mine = new CompletableFuture<>();
        if (!drain.compareAndSet(null, mine)) {
            return drain.get();
        }
        Drain d = watchers.startDrain(why);
        List<Pollers.Key> waitFor = pollers.steadyBefore(d.since());
        LOG.infof("Draining (%s): readiness answers 503 draining%s; waiting at most %s for %s", why,
                spec.agentCheckPort().isPresent() ? ", the agent-check up 0%" : "", Durations.exact(spec.drainTimeout()),
                waitFor.isEmpty() ? "nothing: no load balancer polls steadily" : waitFor.size() + " poller(s) to observe it: " + waitFor);
        if (waitFor.isEmpty()) {
            finish(mine, d, waitFor, true);
            return mine;
        }
        Instant deadline = d.since().plus(spec.drainTimeout());
        vertx.setPeriodic(0, CHECK_EVERY_MILLIS, id -> {
            boolean observed = waitFor.stream().allMatch(k -> pollers.polledSince(k, d.since()));
            if (observed || !clock.instant().isBefore(deadline)) {
                vertx.cancelTimer(id);
                finish(mine, d, waitFor, observed);
            }
        });
        return mine;
    }

    private void finish(CompletableFuture<DrainOutcome> done, Drain d, List<Pollers.Key> waitFor, boolean observed) {
        String took = Durations.elapsed(Duration.between(d.since(), clock.instant()));
        String account;
        if (waitFor.isEmpty()) {
            account = "no load balancer polled steadily, so there was none to wait for";
        } else if (observed) {
            account = "observed by " + waitFor.size() + " poller(s) in " + took;
        } else {
            List<Pollers.Key> missing = waitFor.stream().filter(k -> !pollers.polledSince(k, d.since())).toList();
            account = "not observed by " + missing + " within lifeguard.drain.timeout (" + Durations.exact(spec.drainTimeout()) + ")";
        }
        if (observed) {
            LOG.infof("Drained: %s", account);
        } else {
            LOG.warnf("Drain timed out: %s; stopping anyway", account);
        }
        done.complete(new DrainOutcome(observed, account));
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

    /** An operator's restart brings the service back into rotation: the next stop drains again. */
    public void reset() {
        CompletableFuture<DrainOutcome> d = drain.get();
        if (d != null && d.isDone() && drain.compareAndSet(d, null)) {
            watchers.endDrain();
        }
    }
}
