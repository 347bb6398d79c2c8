package dev.lifeguard.kubernetes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.lifeguard.config.KubernetesSpec;
import dev.lifeguard.lb.DrainWitness;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.runtime.Startup;

/**
 * Confirms a drain instead of assuming it: watches the namespace's EndpointSlices (discovery.k8s.io/v1) for Lifeguard's
 * pod, and counts the drain as observed once every slice that lists the pod has it not ready, which is when Services
 * stop sending it new connections. With a readiness gate only: without one, nothing Lifeguard does changes them.
 * Thread-safe.
 */
@ApplicationScoped
@Startup
public class EndpointWatch implements DrainWitness {

    private static final Logger LOG = Logger.getLogger(EndpointWatch.class);

    /** The pod's endpoint in one slice: ready or not, and since when this watch has known it so. */
    private record Seen(boolean ready, Instant since) {
    }

    private final PodApi api;
    private final Clock clock;
    /** By slice name; slices that do not list the pod are not kept. */
    private final Map<String, Seen> slices = new ConcurrentHashMap<>();
    private volatile Watch watch;
    private volatile boolean watching;

    EndpointWatch(PodApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
        if (api.spec().readinessGate().isPresent()) {
            api.whenOn(() -> api.watch(this::watch, Duration.ZERO));
        }
    }

    private void watch() {
        KubernetesSpec.Pod pod = api.pod();
        try {
            var slicesApi = api.client().discovery().v1().endpointSlices().inNamespace(pod.namespace());
            slicesApi.list().getItems().forEach(this::seen);
            watch = slicesApi.watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, EndpointSlice slice) {
                    if (action == Action.DELETED) {
                        slices.remove(slice.getMetadata().getName());
                    } else {
                        seen(slice);
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                    watching = false;
                    LOG.debugf("Kubernetes: the EndpointSlice watch closed (%s); watching again", cause.getMessage());
                    api.watch(EndpointWatch.this::watch, Duration.ofSeconds(1));
                }
            });
            watching = true;
        } catch (KubernetesClientException e) {
            api.failed("watch the namespace's EndpointSlices (discovery.k8s.io: get, list, watch)", e);
            api.watch(this::watch, Duration.ofSeconds(10));
        }
    }

    private void seen(EndpointSlice slice) {
        KubernetesSpec.Pod pod = api.pod();
        String name = slice.getMetadata().getName();
        Boolean ready = null;
        for (Endpoint e : slice.getEndpoints() == null ? java.util.List.<Endpoint>of() : slice.getEndpoints()) {
            var ref = e.getTargetRef();
            if (ref != null && "Pod".equals(ref.getKind()) && (pod.uid().map(u -> u.equals(ref.getUid())).orElse(false)
                    || pod.name().equals(ref.getName()))) {
                // "ready" unset means ready, as consumers of EndpointSlices read it.
                ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
            }
        }
        if (ready == null) {
            slices.remove(name);
            return;
        }
        boolean now = ready;
        slices.compute(name, (k, before) -> before != null && before.ready() == now ? before : new Seen(now, clock.instant()));
    }

    @Override
    public boolean active() {
        return watching;
    }

    @Override
    public boolean observed(Instant since) {
        // A drain begins while the pod is ready: not ready now is the drain seen.
        return slices.values().stream().noneMatch(Seen::ready);
    }

    @Override
    public String account(Instant since) {
        if (slices.isEmpty()) {
            return "no EndpointSlice lists the pod (in no Service)";
        }
        long out = slices.values().stream().filter(s -> !s.ready()).count();
        return out == slices.size() ? "not ready in its " + slices.size() + " EndpointSlice(s)"
                : "not ready in " + out + " of its " + slices.size() + " EndpointSlice(s)";
    }

    @PreDestroy
    void stop() {
        Watch w = watch;
        if (w != null) {
            w.close();
        }
    }
}
