package dev.lifeguard.watch;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.config.CheckSpecs;
import dev.lifeguard.config.DryRun;
import dev.lifeguard.config.Durations;
import dev.lifeguard.config.InvalidConfigException;
import dev.lifeguard.config.LifeguardConfig;
import dev.lifeguard.probe.Probe;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.core.Vertx;

/** Starts a {@link CheckWatcher} per configured check at start-up and answers for all of them. Thread-safe. */
@ApplicationScoped
public class Watchers {

    private static final Logger LOG = Logger.getLogger(Watchers.class);
    private static final int HISTORY = 100;

    private final LifeguardConfig config;
    private final Vertx vertx;
    private final Clock clock;
    private final Instance<WatchListener> listeners;
    private final TransitionLog history = new TransitionLog(HISTORY);
    private final LateRounds lateRounds = new LateRounds();
    private volatile List<CheckWatcher> watchers = List.of();
    private volatile boolean stopping;
    private final AtomicReference<Drain> drain = new AtomicReference<>();
    private final AtomicReference<Admission> told = new AtomicReference<>();
    private volatile WatchListener listener = new WatchListener() {
    };

    Watchers(LifeguardConfig config, Vertx vertx, Clock clock, Instance<WatchListener> listeners) {
        this.config = config;
        this.vertx = vertx;
        this.clock = clock;
        this.listeners = listeners;
    }

    void start(@Observes StartupEvent event) {
        List<CheckSpec> specs;
        try {
            specs = CheckSpecs.from(config);
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
        if (DryRun.active()) {
            return;
        }
        listener = fanOut(listeners.stream().toList());
        CheckWatcher.Owner owner = new CheckWatcher.Owner() {
            @Override
            public void lateRound(CheckSpec spec, java.time.Duration by) {
                lateRounds.record(spec, by, watchers.size());
            }

            @Override
            public void admissionInputChanged() {
                tellAdmission();
            }
        };
        List<CheckWatcher> started = new ArrayList<>();
        for (CheckSpec spec : specs) {
            started.add(new CheckWatcher(spec, Probe.of(spec.target(), spec.timeout(), vertx, clock), vertx, clock, listener, history, owner));
        }
        watchers = Collections.unmodifiableList(started);
    }

    /** Probing starts once Lifeguard can report: with its port open, and never when start-up failed. */
    void probe(@ObservesAsync HttpServerStart event) {
        for (CheckWatcher watcher : watchers) {
            CheckSpec spec = watcher.spec();
            LOG.infof("Watching %s: %s every %s, timeout %s, not ready after %d failure(s), ready after %d success(es), startup grace %s%s",
                    spec.name(), spec.target().describe(), Durations.exact(spec.interval()), Durations.exact(spec.timeout()),
                    spec.failureThreshold(), spec.successThreshold(), Durations.exact(spec.startupGrace()),
                    spec.isUpstream() || spec.affectsReadiness() ? "" : " (reported only, does not affect readiness)");
            watcher.start();
        }
    }

    /** Also when start-up failed (no ShutdownEvent then): no probe may call into a container that is gone. */
    @PreDestroy
    void stop() {
        stopping = true;
        watchers.forEach(CheckWatcher::stop);
    }

    /** All checks, the upstream first. */
    public List<CheckWatcher> all() {
        return watchers;
    }

    /** The guarded upstream's verdict. */
    public Verdict upstream() {
        return upstreamWatcher().verdict();
    }

    public CheckWatcher upstreamWatcher() {
        return watchers.get(0);
    }

    /** Whether traffic may come: no drain, and the upstream and every check that affects readiness are ready. */
    public boolean ready() {
        return admission().ready();
    }

    /** What load balancers should be told now. */
    public Admission admission() {
        List<CheckWatcher> current = watchers;
        if (current.isEmpty()) {
            return new Admission(Admission.Status.NOT_READY, "", "starting", "No check has started yet.", "no check has started yet", clock.instant());
        }
        List<Verdict> verdicts = new ArrayList<>(current.size());
        for (CheckWatcher w : current) {
            verdicts.add(w.verdict());
        }
        return Admission.of(drain.get(), verdicts);
    }

    /** The drain under way, if any. */
    public Optional<Drain> drain() {
        return Optional.ofNullable(drain.get());
    }

    /** Starts draining: not ready from now on, with cause {@code draining}. A second call keeps the first drain. */
    public Drain startDrain(String why) {
        drain.compareAndSet(null, new Drain(clock.instant(), why));
        tellAdmission();
        return drain.get();
    }

    /** Ends a drain (an operator's restart brings the service back): readiness follows the checks again. */
    public void endDrain() {
        if (drain.getAndSet(null) != null) {
            tellAdmission();
        }
    }

    /** Tells the listeners when what load balancers should be told has changed; once per change, whichever thread sees it. */
    private void tellAdmission() {
        while (true) {
            Admission before = told.get();
            Admission now = admission();
            if (now.sameAs(before)) {
                return;
            }
            if (told.compareAndSet(before, now)) {
                listener.admissionChanged(before, now);
                return;
            }
        }
    }

    /** Whether every check has been probed at least once. */
    public boolean probedOnce() {
        List<CheckWatcher> current = watchers;
        return !current.isEmpty() && current.stream().allMatch(w -> w.verdict().last() != null);
    }

    public List<Transition> history() {
        return history.entries();
    }

    /**
     * One listener that tells them all. The beans themselves, not their client proxies: a probe that finishes while the
     * container shuts down must not reach for it. A listener that throws is logged and the others are still told; the
     * schedule never dies of it.
     */
    private WatchListener fanOut(List<WatchListener> all) {
        List<WatchListener> targets = all.stream().map(ClientProxy::unwrap).toList();
        return new WatchListener() {
            @Override
            public void updated(Verdict verdict) {
                tell(targets, l -> l.updated(verdict));
            }

            @Override
            public void probed(Verdict verdict) {
                tell(targets, l -> l.probed(verdict));
            }

            @Override
            public void transitioned(Transition transition) {
                tell(targets, l -> l.transitioned(transition));
            }

            @Override
            public void admissionChanged(Admission before, Admission after) {
                tell(targets, l -> l.admissionChanged(before, after));
            }
        };
    }

    private void tell(List<WatchListener> targets, Consumer<WatchListener> call) {
        for (WatchListener l : targets) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                if (!stopping) {
                    LOG.errorf(e, "[unexpected] %s failed on a verdict; the watch goes on", l.getClass().getSimpleName());
                }
            }
        }
    }
}
