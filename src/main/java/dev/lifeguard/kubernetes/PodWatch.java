package dev.lifeguard.kubernetes;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.lifeguard.config.KubernetesSpec;
import dev.lifeguard.diagnose.Incidents;
import dev.lifeguard.supervise.DrainGate;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.runtime.Startup;

/**
 * Watches Lifeguard's own pod for what only the kubelet knows: a {@code deletionTimestamp} starts the drain at once
 * (before any container gets its SIGTERM), and a container that ended ({@code lastState.terminated}) is told with the
 * kubelet's reason: an OOM kill Lifeguard could not see through another container's cgroup (sidecar mode) is named
 * in the open incident and posted as {@code UpstreamOomKilled}. Thread-safe.
 */
@ApplicationScoped
@Startup
public class PodWatch {

    private static final Logger LOG = Logger.getLogger(PodWatch.class);

    private final PodApi api;
    private final DrainGate drainGate;
    private final Incidents incidents;
    private final PodEvents events;
    private final AtomicBoolean deleting = new AtomicBoolean();
    /** The terminations already told, by container and finish time. */
    private final Set<String> told = Collections.synchronizedSet(new HashSet<>());
    private volatile Watch watch;

    PodWatch(PodApi api, DrainGate drainGate, Incidents incidents, PodEvents events) {
        this.api = api;
        this.drainGate = drainGate;
        this.incidents = incidents;
        this.events = events;
        api.whenOn(() -> api.watch(this::watch, Duration.ZERO));
    }

    private void watch() {
        KubernetesSpec.Pod pod = api.pod();
        try {
            var resource = api.client().pods().inNamespace(pod.namespace()).withName(pod.name());
            Pod now = resource.get();
            if (now != null && now.getStatus() != null && now.getStatus().getContainerStatuses() != null) {
                // What ended before Lifeguard started is history, not news.
                now.getStatus().getContainerStatuses().forEach(c -> ended(c, false));
            }
            watch = resource.watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod p) {
                    seen(p);
                }

                @Override
                public void onClose(WatcherException cause) {
                    LOG.debugf("Kubernetes: the pod watch closed (%s); watching again", cause.getMessage());
                    api.watch(PodWatch.this::watch, Duration.ofSeconds(1));
                }
            });
        } catch (KubernetesClientException e) {
            api.failed("watch its pod (pods: get, watch)", e);
            api.watch(this::watch, Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            api.watch(this::watch, Duration.ofSeconds(10));
            throw e;
        }
    }

    private void seen(Pod p) {
        if (p.getMetadata().getDeletionTimestamp() != null && deleting.compareAndSet(false, true)) {
            LOG.infof("Kubernetes: the pod is being deleted (%s): draining now", p.getMetadata().getDeletionTimestamp());
            drainGate.drain("the pod is being deleted");
        }
        if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
            p.getStatus().getContainerStatuses().forEach(c -> ended(c, true));
        }
    }

    private void ended(ContainerStatus c, boolean news) {
        ContainerStateTerminated t = c.getLastState() == null ? null : c.getLastState().getTerminated();
        if (t == null || !told.add(c.getName() + "@" + t.getFinishedAt() + "#" + c.getRestartCount()) || !news) {
            return;
        }
        String fact = "kubelet: container " + c.getName() + " ended: " + t.getReason() + " (exit code " + t.getExitCode() + ", finished "
                + t.getFinishedAt() + ", restart " + c.getRestartCount() + ")";
        incidents.noted(fact);
        if ("OOMKilled".equals(t.getReason())) {
            LOG.warnf("[oom_killed] The kubelet says container %s was OOM-killed (exit code %d, finished %s): raise its memory limit or find "
                    + "the leak", c.getName(), t.getExitCode(), t.getFinishedAt());
            events.post("Warning", "UpstreamOomKilled", "container " + c.getName() + " was OOM-killed (the kubelet's lastState: OOMKilled, exit code "
                    + t.getExitCode() + ", finished " + t.getFinishedAt() + "). Advice: raise its memory limit or lower its heap and cache sizes; "
                    + "a kill after long service means a leak.");
        } else {
            LOG.infof("Kubernetes: %s", fact);
        }
    }

    @PreDestroy
    void stop() {
        Watch w = watch;
        if (w != null) {
            w.close();
        }
    }
}
