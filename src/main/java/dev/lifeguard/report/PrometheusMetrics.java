package dev.lifeguard.report;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.lifeguard.diagnose.GatewayDeadline;
import dev.lifeguard.diagnose.Incident;
import dev.lifeguard.diagnose.IncidentListener;
import dev.lifeguard.diagnose.Incidents;
import dev.lifeguard.diagnose.OverloadWatch;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.supervise.Restart;
import dev.lifeguard.supervise.SupervisorListener;
import dev.lifeguard.watch.CheckWatcher;
import dev.lifeguard.watch.Transition;
import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.WatchListener;
import dev.lifeguard.watch.Watchers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * Exposes the watch on {@code /q/metrics}: {@code lifeguard_ready}, {@code lifeguard_check_up{check}}, the
 * {@code lifeguard_probe_duration_seconds{check,outcome}} histogram, {@code lifeguard_check_failures_total{check}},
 * {@code lifeguard_probe_failures_total{check,cause}}, {@code lifeguard_probe_rounds_skipped_total{check}},
 * {@code lifeguard_probe_rounds_late_total{check}},
 * {@code lifeguard_transitions_total{check,to}},
 * {@code lifeguard_restarts_total{reason}} and {@code lifeguard_build_info{version,java}}. Only probes are counted as
 * probes; supervision events (an exit, a kill) count once, as a restart. Thread-safe.
 */
@ApplicationScoped
public class PrometheusMetrics implements WatchListener, SupervisorListener, IncidentListener {

    /** Health probes answer in milliseconds or time out at their timeout (1 s by default): a dozen buckets cover both. */
    private static final Duration[] PROBE_BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10) };
    /** From a blip to a long outage: the time until it was ready again. */
    private static final Duration[] RECOVERY_BUCKETS = { Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofHours(1) };
    /** The reasons a wrapped service is restarted for: counted from zero, so that increase() sees the first one. */
    private static final List<Cause> RESTART_REASONS = List.of(Cause.EXITED, Cause.CRASHED, Cause.KILLED, Cause.OOM_KILLED,
            Cause.HUNG, Cause.RESTART_REQUESTED);

    private final MeterRegistry registry;
    private final Watchers watchers;
    private final Incidents incidents;
    private final GatewayDeadline gateway;
    private final OverloadWatch overload;
    private final String version;
    /** Each check's meters of every probe, found once: a lookup by name and tags per probe cost more than the probe. */
    private volatile Map<String, ProbeMeters> probeMeters = Map.of();
    /** Failed probes' timers, made at a check's first failure: most checks never fail, and each is 15 series. */
    private final Map<String, Timer> failureTimers = new ConcurrentHashMap<>();

    private record ProbeMeters(Timer success, Counter failures) {
    }

    PrometheusMetrics(MeterRegistry registry, Watchers watchers, Incidents incidents, GatewayDeadline gateway, OverloadWatch overload,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.gateway = gateway;
        this.overload = overload;
        this.incidents = incidents;
        this.registry = registry;
        this.watchers = watchers;
        this.version = version;
    }

    void register(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        Gauge.builder("lifeguard.build.info", () -> 1).tag("version", version).tag("java", System.getProperty("java.version", "unknown"))
                .description("Always 1: the running Lifeguard's version and Java runtime").register(registry);
        Gauge.builder("lifeguard.ready", watchers, w -> w.ready() ? 1 : 0)
                .description("1 while GET /q/health/ready answers 200: the upstream and every check that affects readiness are ready")
                .register(registry);
        Map<String, ProbeMeters> meters = new HashMap<>();
        for (CheckWatcher watcher : watchers.all()) {
            String check = watcher.spec().name();
            Gauge.builder("lifeguard.check.up", watcher, w -> w.verdict().ready() ? 1 : 0).tag("check", check)
                    .description("1 while the check is ready, else 0").register(registry);
            meters.put(check, new ProbeMeters(probeDuration(check, "success"), failures(check)));
            FunctionCounter.builder("lifeguard.probe.rounds.skipped", watcher, CheckWatcher::skippedRounds).tag("check", check)
                    .description("Rounds not probed because the check's previous probe was still running").register(registry);
            FunctionCounter.builder("lifeguard.probe.rounds.late", watcher, CheckWatcher::lateRounds).tag("check", check)
                    .description("Rounds that started a quarter of the interval (at least 100 ms) after they were due: the event loops were busy")
                    .register(registry);
        }
        probeMeters = meters;
        for (Cause reason : RESTART_REASONS) {
            restarts(reason);
        }
        Gauge.builder("lifeguard.gateway.timeout.share", gateway, g -> g.standing().map(GatewayDeadline.Standing::share).orElse(Double.NaN))
                .description("The upstream's latest answer time as a share of lifeguard.gateway.timeout (NaN without one)").register(registry);
        Gauge.builder("lifeguard.degraded", overload, o -> o.current().isPresent() ? 1 : 0)
                .description("1 while the ready upstream shows signs of overload (GET /lifeguard/status says which) and keeps lifeguard.degraded.weight")
                .register(registry);
        Gauge.builder("lifeguard.incident.open", incidents, i -> i.open().isPresent() ? 1 : 0)
                .description("1 while an incident is open: the service is out of rotation for a failure, not a planned stop").register(registry);
    }

    @Override
    public void opened(Incident incident) {
        Counter.builder("lifeguard.incidents").description("Incidents opened, by the cause they began with").tag("cause", incident.cause())
                .register(registry).increment();
    }

    @Override
    public void closed(Incident incident) {
        Timer.builder("lifeguard.incident.duration").description("Time to recovery: from an incident's opening until ready again")
                .serviceLevelObjectives(RECOVERY_BUCKETS).register(registry).record(incident.duration(incident.ended()));
    }

    @Override
    public void probed(Verdict verdict) {
        ProbeResult last = verdict.last();
        ProbeMeters meters = probeMeters.get(verdict.name());
        if (meters == null) {
            return;
        }
        (last.ok() ? meters.success() : failureTimers.computeIfAbsent(verdict.name(), check -> probeDuration(check, "failure")))
                .record(last.latency());
        if (!last.ok()) {
            meters.failures().increment();
            Counter.builder("lifeguard.probe.failures").description("Failed probes by the probe's own cause")
                    .tag("check", verdict.name()).tag("cause", last.cause().code()).register(registry).increment();
        }
    }

    @Override
    public void restarted(Restart restart) {
        if (restart.restartIn() >= 0) {
            restarts(restart.cause()).increment();
        }
    }

    @Override
    public void transitioned(Transition transition) {
        Counter.builder("lifeguard.transitions").description("State changes by target state")
                .tag("check", transition.check()).tag("to", transition.to().code()).register(registry).increment();
    }

    private Timer probeDuration(String check, String outcome) {
        return Timer.builder("lifeguard.probe.duration")
                .description("How long probes take; outcome is success or failure (a failed probe lasts up to its timeout)")
                .tag("check", check).tag("outcome", outcome).serviceLevelObjectives(PROBE_BUCKETS).register(registry);
    }

    private Counter failures(String check) {
        return Counter.builder("lifeguard.check.failures").description("Failed probes of the check, whatever the cause")
                .tag("check", check).register(registry);
    }

    private Counter restarts(Cause reason) {
        return Counter.builder("lifeguard.restarts").description("Restarts of the wrapped service by reason")
                .tag("reason", reason.code()).register(registry);
    }
}
