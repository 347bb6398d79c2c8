package dev.lifeguard.kubernetes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.lifeguard.config.DryRun;
import dev.lifeguard.config.InvalidConfigException;
import dev.lifeguard.config.KubernetesSpec;
import dev.lifeguard.config.LifeguardConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.vertx.http.HttpServerStart;

/**
 * Lifeguard's way to the API server about its own pod: on where the pod is known (the Downward API) and an API server
 * is there (the in-cluster service account, or Fabric8's {@code KUBERNETES_MASTER}, which unlike
 * {@code quarkus.kubernetes-client.api-server-url} is read at run time in a native executable too); off otherwise, said
 * once when Lifeguard's port is open. Every call runs on one thread of its own, so no call to the API server ever holds a probe or an
 * endpoint. A refusal by RBAC (403) is said once, in the log and in the status, and never stops Lifeguard. Thread-safe.
 */
@ApplicationScoped
public class PodApi {

    private static final Logger LOG = Logger.getLogger(PodApi.class);
    private static final Path TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private final KubernetesSpec spec;
    private final Instance<KubernetesClient> clients;
    private final Optional<String> apiServerUrl;
    private final AtomicBoolean forbiddenSaid = new AtomicBoolean();
    private final AtomicBoolean unreachableSaid = new AtomicBoolean();
    private final List<Runnable> onStart = new CopyOnWriteArrayList<>();
    private volatile KubernetesClient client;
    private volatile String state = "";
    private volatile ScheduledExecutorService thread;
    /** Sets the watches up (a list, then a watch): a slow API server holds them, never the readiness gate's patches. */
    private volatile ScheduledExecutorService watchThread;

    PodApi(LifeguardConfig config, Instance<KubernetesClient> clients,
            @ConfigProperty(name = "quarkus.kubernetes-client.api-server-url") Optional<String> apiServerUrl) {
        try {
            this.spec = KubernetesSpec.from(config);
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
        this.clients = clients;
        this.apiServerUrl = apiServerUrl.filter(u -> !u.isBlank());
    }

    /** Runs {@code task} on the Kubernetes thread once the API is on: never, when it stays off. */
    synchronized void whenOn(Runnable task) {
        if (on()) {
            execute(task);
        } else {
            onStart.add(task);
        }
    }

    /** Once Lifeguard's port is open: a start-up that fails says nothing of Kubernetes. */
    synchronized void start(@ObservesAsync HttpServerStart event) {
        if (DryRun.active()) {
            return;
        }
        Optional<String> why = spec.pod().isEmpty() ? Optional.of("lifeguard.kubernetes.pod-name and lifeguard.kubernetes.namespace are not set "
                + "(the Downward API's metadata.name and metadata.namespace, as in k8s/deployment.yaml)")
                : apiServerUrl.isEmpty() && System.getenv("KUBERNETES_MASTER") == null && System.getProperty("kubernetes.master") == null
                        && (System.getenv("KUBERNETES_SERVICE_HOST") == null || !Files.isReadable(TOKEN))
                                ? Optional.of("no API server: no service-account token at " + TOKEN + " (automountServiceAccountToken: false?) "
                                        + "and no KUBERNETES_MASTER")
                                : Optional.empty();
        if (why.isPresent()) {
            state = "off: " + why.get();
            if (spec.readinessGate().isPresent() || spec.pod().isPresent()) {
                LOG.warnf("Kubernetes features are off: %s", why.get());
            } else {
                LOG.infof("Kubernetes features are off: %s", why.get());
            }
            return;
        }
        client = clients.get();
        thread = daemon("lifeguard-kubernetes");
        watchThread = daemon("lifeguard-kubernetes-watch");
        KubernetesSpec.Pod pod = spec.pod().get();
        state = "on: pod " + pod.namespace() + "/" + pod.name();
        LOG.infof("Kubernetes: telling the API server about pod %s/%s%s%s", pod.namespace(), pod.name(),
                spec.readinessGate().map(g -> " (readiness gate " + g + ")").orElse(""), spec.events() ? ", with Events" : "");
        onStart.forEach(this::execute);
    }

    public KubernetesSpec spec() {
        return spec;
    }

    /** Whether Lifeguard talks to the API server at all. */
    public boolean on() {
        return client != null;
    }

    KubernetesClient client() {
        return client;
    }

    KubernetesSpec.Pod pod() {
        return spec.pod().orElseThrow();
    }

    /** For the status: on (and for which pod), off and why, or what the API server refused. */
    public String state() {
        return state;
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** A watch's set-up, on a thread of its own. */
    void watch(Runnable task, Duration delay) {
        ScheduledExecutorService t = watchThread;
        if (t != null && !t.isShutdown()) {
            t.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void execute(Runnable task) {
        ScheduledExecutorService t = thread;
        if (t != null && !t.isShutdown()) {
            t.execute(guarded(task));
        }
    }

    /** Later, unless Lifeguard is stopping by then. */
    void schedule(Runnable task, Duration delay) {
        ScheduledExecutorService t = thread;
        if (t != null && !t.isShutdown()) {
            t.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "[unexpected] a call to the Kubernetes API failed: %s; please report it", e);
            }
        };
    }

    /** A failed call: a refusal by RBAC is said once, anything else is for the caller to retry. */
    void failed(String what, KubernetesClientException e) {
        if (e.getCode() == 403) {
            String line = "the API server refused to " + what + " (403 Forbidden): the pod's ServiceAccount lacks a permission; "
                    + "apply the Role and RoleBinding in k8s/ (" + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()) + ")";
            state = "forbidden: " + line;
            if (forbiddenSaid.compareAndSet(false, true)) {
                LOG.warnf("Kubernetes: %s. Lifeguard goes on without it.", line);
            }
        } else if (e.getCode() <= 0) {
            // No answer at all: no API server where the configuration says.
            state = "unreachable: cannot " + what + ": " + e.getMessage();
            if (unreachableSaid.compareAndSet(false, true)) {
                LOG.warnf("Kubernetes: the API server does not answer (%s); Lifeguard goes on and tries again", e.getMessage());
            }
        } else {
            LOG.debugf("Kubernetes: cannot %s: %s", what, e.toString());
        }
    }

    /** A call that went through: what was said of an unreachable API server is over. */
    void answered() {
        if (unreachableSaid.compareAndSet(true, false)) {
            LOG.info("Kubernetes: the API server answers again");
            KubernetesSpec.Pod pod = pod();
            state = "on: pod " + pod.namespace() + "/" + pod.name();
        }
    }

    @PreDestroy
    void stop() {
        if (thread != null) {
            thread.shutdownNow();
            watchThread.shutdownNow();
        }
    }
}
