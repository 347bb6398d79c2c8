package dev.lifeguard.report;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.supervise.Incident;
import dev.lifeguard.supervise.SupervisorListener;
import dev.lifeguard.watch.CheckWatcher;
import dev.lifeguard.watch.Transition;
import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.WatchListener;
import dev.lifeguard.watch.Watchers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * Exposes the watch on {@code /q/metrics}: {@code lifeguard_upstream_up}, {@code lifeguard_check_up{check}}, the
 * {@code lifeguard_probe_duration_seconds} histogram, {@code lifeguard_probe_failures_total{check,cause}} and
 * {@code lifeguard_transitions_total{check,to}}, and {@code lifeguard_restarts_total{reason}}. Thread-safe.
 */
@ApplicationScoped
public class PrometheusMetrics implements WatchListener, SupervisorListener {

    private final MeterRegistry registry;
    private final Watchers watchers;

    PrometheusMetrics(MeterRegistry registry, Watchers watchers) {
        this.registry = registry;
        this.watchers = watchers;
    }

    void register(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        Gauge.builder("lifeguard.upstream.up", watchers, w -> w.upstream().ready() ? 1 : 0)
                .description("1 while the guarded upstream is ready, else 0").register(registry);
        for (CheckWatcher watcher : watchers.all()) {
            Gauge.builder("lifeguard.check.up", watcher, w -> w.verdict().ready() ? 1 : 0).tag("check", watcher.spec().name())
                    .description("1 while the check is ready, else 0").register(registry);
        }
    }

    @Override
    public void probed(Verdict verdict) {
        ProbeResult last = verdict.last();
        Timer.builder("lifeguard.probe.duration").description("How long probes take, failed ones included")
                .tag("check", verdict.name()).tag("outcome", last.ok() ? "success" : "failure")
                .publishPercentileHistogram().register(registry).record(last.latency());
        if (!last.ok()) {
            Counter.builder("lifeguard.probe.failures").description("Failed probes by cause")
                    .tag("check", verdict.name()).tag("cause", last.cause().code()).register(registry).increment();
        }
    }

    @Override
    public void incident(Incident incident) {
        if (incident.restartIn() >= 0) {
            Counter.builder("lifeguard.restarts").description("Restarts of the wrapped service by reason")
                    .tag("reason", incident.cause().code()).register(registry).increment();
        }
    }

    @Override
    public void transitioned(Transition transition) {
        Counter.builder("lifeguard.transitions").description("State changes by target state")
                .tag("check", transition.check()).tag("to", transition.to().code()).register(registry).increment();
    }
}
