package dev.lifeguard.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.watch.CheckWatcher;
import dev.lifeguard.watch.Drain;
import dev.lifeguard.watch.Admission;
import dev.lifeguard.watch.WatchListener;
import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.Watchers;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthRegistry;

/**
 * The {@code /q/health} checks. Readiness has one check per watched check, answered from its cached verdict; liveness
 * is the agent's own (it answers, its schedules tick), never the upstream's; startup waits for the first probes.
 */
@ApplicationScoped
public class HealthChecks implements WatchListener {

    private static final String DRAIN = "drain";

    private final Watchers watchers;
    private final HealthRegistry readiness;

    HealthChecks(Watchers watchers, @Readiness HealthRegistry readiness) {
        this.watchers = watchers;
        this.readiness = readiness;
    }

    void register(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        for (CheckWatcher watcher : watchers.all()) {
            readiness.register(watcher.spec().name(), () -> readiness(watcher.verdict()));
        }
    }

    /** While draining, SmallRye's {@code /q/health} shows the drain as {@code /q/health/ready} does. */
    @Override
    public void admissionChanged(Admission before, Admission after) {
        Optional<Drain> drain = watchers.drain();
        if (drain.isPresent()) {
            HealthCheckResponseBuilder b = HealthCheckResponse.named(DRAIN).down();
            drainData(drain.get()).forEach(b::withData);
            HealthCheckResponse response = b.build();
            readiness.register(DRAIN, () -> response);
        } else if (before != null && before.status() == Admission.Status.DRAINING) {
            readiness.remove(DRAIN);
        }
    }

    /** The readiness body's entry for a drain under way, as {@link CachedReadiness} and SmallRye both show it. */
    static Map<String, Object> drainCheck(Drain drain) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("name", DRAIN);
        check.put("status", "DOWN");
        check.put("data", drainData(drain));
        return check;
    }

    private static Map<String, String> drainData(Drain drain) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("state", Cause.DRAINING.code());
        data.put("cause", Cause.DRAINING.code());
        data.put("explanation", Cause.DRAINING.explanation() + " " + drain.why() + ".");
        data.put("since", drain.since().toString());
        return data;
    }

    static HealthCheckResponse readiness(Verdict v) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(v.name()).status(v.admitsTraffic())
                .withData("state", v.state().code())
                .withData("cause", v.cause().code())
                .withData("explanation", v.explanation())
                .withData("since", v.since().toString())
                .withData("consecutiveFailures", v.consecutiveFailures());
        ProbeResult last = v.last();
        if (last != null) {
            b.withData("lastProbe", last.cause().code());
            b.withData("lastLatencyMs", String.valueOf(CheckView.latencyMillis(last)));
        }
        if (!v.spec().affectsReadiness()) {
            b.withData("affectsReadiness", false);
        }
        return b.build();
    }

    /** The agent is alive while its schedules tick; the upstream's health plays no part. */
    @Liveness
    @ApplicationScoped
    static class AgentLiveness implements HealthCheck {
        private final Watchers watchers;

        AgentLiveness(Watchers watchers) {
            this.watchers = watchers;
        }

        @Override
        public HealthCheckResponse call() {
            boolean ticking = watchers.all().stream().allMatch(CheckWatcher::ticking);
            return HealthCheckResponse.named("lifeguard").status(ticking).withData("schedules", ticking ? "ticking" : "stalled").build();
        }
    }

    /** Started once every check has been probed once. */
    @Startup
    @ApplicationScoped
    static class FirstProbe implements HealthCheck {
        private final Watchers watchers;

        FirstProbe(Watchers watchers) {
            this.watchers = watchers;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("first-probe").status(watchers.probedOnce()).build();
        }
    }
}
