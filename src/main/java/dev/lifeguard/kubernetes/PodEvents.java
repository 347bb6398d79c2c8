package dev.lifeguard.kubernetes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.KubernetesSpec;
import dev.lifeguard.diagnose.Incident;
import dev.lifeguard.diagnose.IncidentListener;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.supervise.Restart;
import dev.lifeguard.supervise.SupervisorListener;
import dev.lifeguard.watch.Admission;
import dev.lifeguard.watch.WatchListener;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.runtime.Startup;

/**
 * Posts what happens to the upstream as core/v1 Events on Lifeguard's pod, which {@code kubectl describe pod} shows:
 * each failure as it takes the pod out of rotation ({@code Upstream<Cause>}, Warning, e.g. {@code UpstreamOomKilled}),
 * each restart of the child in the same words, a crash loop ({@code UpstreamCrashLoop}), a drain ({@code Draining},
 * Normal) and the recovery ({@code UpstreamRecovered}, Normal). Repeats are folded the way the kubelet folds them: an
 * Event of the same reason within {@value #FOLD_MINUTES} minutes gets its count raised, its last timestamp and message
 * updated, and at most one call per reason every {@value #EVERY_SECONDS} s reaches the API server, so a flapping
 * upstream never floods it. Thread-safe.
 */
@ApplicationScoped
@Startup
public class PodEvents implements IncidentListener, SupervisorListener, WatchListener {

    static final int FOLD_MINUTES = 10;
    static final int EVERY_SECONDS = 1;

    /** One reason's Event: posted (its name, count, last time) and what waits to be added to it (Kubernetes thread only). */
    private static final class Folded {
        /** The Event posted, its count and when it was last written; name null before one. */
        String name;
        int count;
        Instant written;
        Instant lastCall = Instant.MIN;
        /** What waits to be added: how many, since when, the latest time, type and message. */
        int waiting;
        Instant waitingSince;
        Instant last;
        String type;
        String message;
        boolean flushScheduled;
    }

    private final PodApi api;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Folded> byReason = new HashMap<>();
    private final AtomicInteger posted = new AtomicInteger();

    PodEvents(PodApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    /** For the status: how many calls reached the API server. */
    public int posted() {
        return posted.get();
    }

    @Override
    public void opened(Incident i) {
        post("Warning", "Upstream" + Words.camel(i.cause()), i.explanation() + " Users behind a gateway see: " + i.usersSaw() + ".");
    }

    @Override
    public void closed(Incident i) {
        post("Normal", "UpstreamRecovered", "Ready again after " + Durations.elapsed(i.duration(i.ended())) + " (it was " + i.cause() + ")"
                + (i.restarts() > 0 ? " and " + i.restarts() + " restart(s)" : ""));
    }

    @Override
    public void restarted(Restart r) {
        String then = r.restartIn() >= 0 ? "; restarting in " + Durations.exact(Duration.ofMillis(r.restartIn())) : "";
        post("Warning", "Upstream" + Words.camel(r.cause().code()), r.explanation() + then + ". Advice: " + r.advice());
    }

    @Override
    public void admissionChanged(Admission before, Admission after) {
        if (after.status() == Admission.Status.DRAINING && (before == null || before.status() != Admission.Status.DRAINING)) {
            post("Normal", Words.camel(Cause.DRAINING.code()), after.explanation());
        }
    }

    void post(String type, String reason, String message) {
        if (!api.on() || !api.spec().events()) {
            return;
        }
        Instant at = clock.instant();
        api.execute(() -> {
            Folded f = byReason.computeIfAbsent(reason, r -> new Folded());
            if (f.waiting++ == 0) {
                f.waitingSince = at;
            }
            f.type = type;
            f.message = Words.cut(message);
            f.last = at;
            Duration wait = Duration.between(at, f.lastCall.plusSeconds(EVERY_SECONDS));
            if (!wait.isNegative() && !wait.isZero()) {
                if (!f.flushScheduled) {
                    f.flushScheduled = true;
                    api.schedule(() -> flush(reason), wait);
                }
                return;
            }
            flush(reason);
        });
    }

    private void flush(String reason) {
        Folded f = byReason.get(reason);
        f.flushScheduled = false;
        if (f.waiting == 0) {
            return;
        }
        KubernetesSpec.Pod pod = api.pod();
        Instant now = clock.instant();
        f.lastCall = now;
        boolean fold = f.name != null && now.isBefore(f.written.plus(Duration.ofMinutes(FOLD_MINUTES)));
        try {
            if (fold) {
                Map<String, Object> patch = new LinkedHashMap<>();
                patch.put("count", f.count + f.waiting);
                patch.put("lastTimestamp", time(f.last));
                patch.put("message", f.message);
                patch.put("type", f.type);
                api.client().v1().events().inNamespace(pod.namespace()).withName(f.name).patch(PatchContext.of(PatchType.JSON_MERGE), write(patch));
                f.count += f.waiting;
            } else {
                String name = pod.name() + "." + Long.toHexString(now.toEpochMilli() * 1000 + (f.hashCode() & 0x3ff));
                Event event = new EventBuilder()
                        .withNewMetadata().withName(name).withNamespace(pod.namespace()).endMetadata()
                        .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withName(pod.name()).withNamespace(pod.namespace())
                                .withUid(pod.uid().orElse(null)).endInvolvedObject()
                        .withType(f.type).withReason(reason).withMessage(f.message).withCount(f.waiting)
                        .withFirstTimestamp(time(f.waitingSince)).withLastTimestamp(time(f.last))
                        .withNewSource().withComponent("lifeguard").endSource()
                        .withReportingComponent("lifeguard").withReportingInstance(pod.name())
                        .build();
                api.client().v1().events().inNamespace(pod.namespace()).resource(event).create();
                f.name = name;
                f.count = f.waiting;
            }
            f.written = now;
            f.waiting = 0;
            posted.incrementAndGet();
        } catch (KubernetesClientException e) {
            api.failed("post an Event (" + reason + ")", e);
            if (e.getCode() == 404) {
                // Gone (Events expire after an hour): the next one is new.
                f.name = null;
            }
        }
    }

    private static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
