package dev.lifeguard.kubernetes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lifeguard.watch.Admission;
import dev.lifeguard.watch.WatchListener;
import dev.lifeguard.watch.Watchers;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.runtime.Startup;

/**
 * Pushes readiness to the pod's readiness gate ({@code lifeguard.kubernetes.readiness-gate}): on every change of what
 * load balancers are told, a JSON Patch of {@code pods/status} that replaces Lifeguard's own condition only, guarded
 * by a {@code test} of that condition's place (or of the resource version where it is added), so the kubelet's
 * conditions are never lost. The EndpointSlice controller then takes the pod out of Services without waiting for the
 * kubelet's next probe. Draining is False too. Changes that come while a patch is under way join the next one; a
 * failed patch is retried with back-off. Thread-safe.
 */
@ApplicationScoped
@Startup
public class ReadinessGate implements WatchListener {

    private static final Logger LOG = Logger.getLogger(ReadinessGate.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final PodApi api;
    private final Watchers watchers;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicBoolean pending = new AtomicBoolean();
    /** For the status: what the last patch set, or why it failed. */
    private volatile String state = "";
    /** Kubernetes thread only. */
    private Duration retry = FIRST_RETRY;

    ReadinessGate(PodApi api, Watchers watchers, Clock clock) {
        this.api = api;
        this.watchers = watchers;
        this.clock = clock;
        // Whatever the checks said before the API was on.
        api.whenOn(this::request);
    }

    @Override
    public void admissionChanged(Admission before, Admission after) {
        request();
    }

    /** For the status: the condition last set, or why setting it failed; empty without a readiness gate. */
    public String state() {
        return state;
    }

    private void request() {
        if (api.on() && api.spec().readinessGate().isPresent() && pending.compareAndSet(false, true)) {
            api.execute(this::sync);
        }
    }

    private void sync() {
        pending.set(false);
        Admission admission = watchers.admission();
        String type = api.spec().readinessGate().orElseThrow();
        try {
            String done = patch(type, admission);
            api.answered();
            retry = FIRST_RETRY;
            state = done;
        } catch (KubernetesClientException e) {
            api.failed("patch the pod's status (condition " + type + ")", e);
            state = "failing: " + e.getCode() + " " + e.getMessage();
            api.schedule(this::request, retry);
            retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
        }
    }

    /** Sets the condition to what {@code admission} says; returns what it did. */
    private String patch(String type, Admission admission) {
        var podName = api.pod();
        var pod = api.client().pods().inNamespace(podName.namespace()).withName(podName.name());
        Pod now = pod.get();
        if (now == null) {
            throw new KubernetesClientException("pod " + podName.namespace() + "/" + podName.name() + " not found", 404, null);
        }
        List<PodCondition> conditions = now.getStatus() == null || now.getStatus().getConditions() == null ? null : now.getStatus().getConditions();
        int at = conditions == null ? -1 : indexOf(conditions, type);
        boolean ready = admission.ready();
        String status = ready ? "True" : "False";
        String reason = ready ? "Ready" : Words.camel(admission.code());
        String message = Words.cut(admission.explanation());
        PodCondition old = at < 0 ? null : conditions.get(at);
        if (old != null && status.equals(old.getStatus()) && reason.equals(old.getReason()) && message.equals(old.getMessage())) {
            return type + " already " + status + " (" + reason + ")";
        }
        // The time it last changed status: a new reason alone keeps it, as the kubelet's conditions do.
        String since = old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null ? old.getLastTransitionTime()
                : clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", type);
        condition.put("status", status);
        condition.put("reason", reason);
        condition.put("message", message);
        condition.put("lastProbeTime", null);
        condition.put("lastTransitionTime", since);
        List<Map<String, Object>> ops;
        if (at >= 0) {
            ops = List.of(op("test", "/status/conditions/" + at + "/type", type), op("replace", "/status/conditions/" + at, condition));
        } else {
            String version = now.getMetadata().getResourceVersion();
            ops = List.of(op("test", "/metadata/resourceVersion", version), conditions == null
                    ? op("add", "/status/conditions", List.of(condition))
                    : op("add", "/status/conditions/-", condition));
        }
        pod.subresource("status").patch(PatchContext.of(PatchType.JSON), write(ops));
        LOG.infof("Kubernetes: set %s to %s (%s) on pod %s/%s", type, status, reason, podName.namespace(), podName.name());
        return type + " set to " + status + " (" + reason + ") at " + Instant.now(clock);
    }

    private static int indexOf(List<PodCondition> conditions, String type) {
        for (int i = 0; i < conditions.size(); i++) {
            if (type.equals(conditions.get(i).getType())) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", path);
        m.put("value", value);
        return m;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
