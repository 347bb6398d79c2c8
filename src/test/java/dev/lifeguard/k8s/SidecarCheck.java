package dev.lifeguard.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.smallrye.config.WithDefault;

import dev.lifeguard.config.DrainConfig;
import dev.lifeguard.config.Durations;
import dev.lifeguard.config.RestartConfig;

/**
 * What a pod running Lifeguard beside an app must get right, as the manifests and k8s/README.md describe it: Lifeguard
 * is a native sidecar; the probes ask Lifeguard's real endpoints on its real port; a sidecar told to find the app's
 * process shares the pod's PID namespace, as the same user; the grace period covers a drain, a stop of the app and the
 * preStop hook. Test code; stateless.
 */
final class SidecarCheck {

    /** Lifeguard's HTTP port as the packaged application.properties sets it (quarkus.http.port). */
    static final int PORT = lifeguardPort();
    static final String READY = "/q/health/ready";
    static final String LIVE = "/q/health/live";
    static final String STARTED = "/q/health/started";
    static final String UPSTREAM_LIVE = "/lifeguard/upstream/live";
    static final String METRICS = "/q/metrics";

    private SidecarCheck() {
    }

    /** One line per broken promise in {@code deployment}'s pod template. */
    static List<String> problems(Deployment deployment) {
        String where = "Deployment " + deployment.getMetadata().getName();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        List<String> problems = new ArrayList<>();
        Optional<Container> found = lifeguard(pod);
        if (found.isEmpty()) {
            return List.of(where + ": no Lifeguard container (named lifeguard, or with a lifeguard image)");
        }
        Container lifeguard = found.get();

        if (!pod.getInitContainers().contains(lifeguard) || !"Always".equals(lifeguard.getRestartPolicy())) {
            problems.add(where + ": Lifeguard is not a native sidecar: it must be an initContainer with restartPolicy: Always"
                    + " (started before the app, stopped after it)");
        }
        if (lifeguard.getPorts().stream().noneMatch(p -> Objects.equals(p.getContainerPort(), PORT))) {
            problems.add(where + ": the lifeguard container does not declare its port " + PORT);
        }
        env(lifeguard, "QUARKUS_HTTP_PORT").filter(v -> !v.equals(Integer.toString(PORT)))
                .ifPresent(v -> problems.add(where + ": QUARKUS_HTTP_PORT=" + v + " moves Lifeguard off the port the probes ask, " + PORT));
        expectProbe(problems, where, lifeguard, "startupProbe", lifeguard.getStartupProbe(), STARTED);
        expectProbe(problems, where, lifeguard, "livenessProbe", lifeguard.getLivenessProbe(), LIVE);

        List<Container> apps = pod.getContainers().stream().filter(c -> c != lifeguard).toList();
        if (apps.isEmpty()) {
            problems.add(where + ": no app container beside Lifeguard");
        }
        for (Container app : apps) {
            expectProbe(problems, where, app, "readinessProbe", app.getReadinessProbe(), READY);
            expectProbe(problems, where, app, "livenessProbe", app.getLivenessProbe(), UPSTREAM_LIVE);
            httpGet(app.getStartupProbe()).filter(get -> isLifeguardPort(get.getPort())).ifPresent(get -> problems.add(where + ": container "
                    + app.getName() + ": startupProbe asks Lifeguard; it must ask the app's own port, so that liveness waits for the app"));
        }

        boolean findsProcess = env(lifeguard, "LIFEGUARD_PROCESS_MATCH").isPresent() || env(lifeguard, "LIFEGUARD_PROCESS_PIDFILE").isPresent();
        boolean sharesPids = Boolean.TRUE.equals(pod.getShareProcessNamespace());
        if (findsProcess && !sharesPids) {
            problems.add(where + ": LIFEGUARD_PROCESS_MATCH or _PIDFILE is set but the pod has no shareProcessNamespace: true, so Lifeguard"
                    + " cannot see the app's process");
        }
        if (sharesPids && !findsProcess) {
            problems.add(where + ": shareProcessNamespace: true, but Lifeguard is not told which process is the app"
                    + " (LIFEGUARD_PROCESS_MATCH or LIFEGUARD_PROCESS_PIDFILE)");
        }
        if (sharesPids) {
            Long lifeguardUser = runAsUser(pod, lifeguard);
            for (Container app : apps) {
                Long appUser = runAsUser(pod, app);
                if (lifeguardUser == null || !lifeguardUser.equals(appUser)) {
                    problems.add(where + ": Lifeguard (runAsUser " + lifeguardUser + ") and container " + app.getName() + " (runAsUser "
                            + appUser + ") must run as the same, explicit user, or Lifeguard may not signal the app's process");
                }
            }
        }

        Duration drain = setting(lifeguard, "LIFEGUARD_DRAIN_TIMEOUT", DrainConfig.class, "timeout");
        Duration grace = setting(lifeguard, "LIFEGUARD_RESTART_GRACE", RestartConfig.class, "grace");
        Duration preStop = apps.stream().map(SidecarCheck::preStopSleep).max(Duration::compareTo).orElse(Duration.ZERO);
        long period = Optional.ofNullable(pod.getTerminationGracePeriodSeconds()).orElse(30L);
        Duration needed = drain.plus(grace).plus(preStop);
        if (Duration.ofSeconds(period).compareTo(needed) < 0) {
            problems.add(where + ": terminationGracePeriodSeconds " + period + " is shorter than the drain timeout (" + drain.toSeconds()
                    + " s) + the restart grace (" + grace.toSeconds() + " s) + the preStop sleep (" + preStop.toSeconds() + " s) = "
                    + needed.toSeconds() + " s");
        }

        var annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        if (annotations.containsKey("prometheus.io/port") && !annotations.get("prometheus.io/port").equals(Integer.toString(PORT))) {
            problems.add(where + ": prometheus.io/port is " + annotations.get("prometheus.io/port") + ", Lifeguard's port is " + PORT);
        }
        if (annotations.containsKey("prometheus.io/path") && !annotations.get("prometheus.io/path").equals(METRICS)) {
            problems.add(where + ": prometheus.io/path is " + annotations.get("prometheus.io/path") + ", Lifeguard's metrics are at " + METRICS);
        }
        return problems;
    }

    static Optional<Container> lifeguard(PodSpec pod) {
        return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
                .filter(c -> "lifeguard".equals(c.getName()) || (c.getImage() != null && c.getImage().matches("(.*/)?lifeguard(:.*)?")))
                .findFirst();
    }

    private static void expectProbe(List<String> problems, String where, Container c, String kind, Probe probe, String path) {
        Optional<HTTPGetAction> get = httpGet(probe);
        if (get.isEmpty()) {
            problems.add(where + ": container " + c.getName() + " has no httpGet " + kind + " (expected " + path + " on port " + PORT + ")");
        } else if (!path.equals(get.get().getPath()) || !isLifeguardPort(get.get().getPort())) {
            problems.add(where + ": container " + c.getName() + ": " + kind + " asks " + get.get().getPath() + " on port "
                    + portText(get.get().getPort()) + "; expected " + path + " on port " + PORT + " (by number: a named port is looked up"
                    + " among the probed container's own ports)");
        }
    }

    private static Optional<HTTPGetAction> httpGet(Probe probe) {
        return Optional.ofNullable(probe).map(Probe::getHttpGet);
    }

    private static boolean isLifeguardPort(IntOrString port) {
        return port != null && Integer.valueOf(PORT).equals(port.getIntVal());
    }

    private static String portText(IntOrString port) {
        return port == null ? "none" : port.getIntVal() != null ? port.getIntVal().toString() : port.getStrVal();
    }

    private static Optional<String> env(Container c, String name) {
        return c.getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue).filter(Objects::nonNull).findFirst();
    }

    /** The container's value for a duration setting, else Lifeguard's default as its @ConfigMapping declares it. */
    private static Duration setting(Container c, String variable, Class<?> config, String method) {
        String text = env(c, variable).orElseGet(() -> {
            try {
                return config.getMethod(method).getAnnotation(WithDefault.class).value();
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(config + "." + method, e);
            }
        });
        return Durations.parse(variable, text);
    }

    private static Duration preStopSleep(Container c) {
        if (c.getLifecycle() == null || c.getLifecycle().getPreStop() == null) {
            return Duration.ZERO;
        }
        var preStop = c.getLifecycle().getPreStop();
        if (preStop.getSleep() != null) {
            return Duration.ofSeconds(preStop.getSleep().getSeconds());
        }
        if (preStop.getExec() != null && preStop.getExec().getCommand().size() == 2 && "sleep".equals(preStop.getExec().getCommand().get(0))) {
            return Duration.ofSeconds(Long.parseLong(preStop.getExec().getCommand().get(1)));
        }
        return Duration.ZERO;
    }

    private static Long runAsUser(PodSpec pod, Container c) {
        if (c.getSecurityContext() != null && c.getSecurityContext().getRunAsUser() != null) {
            return c.getSecurityContext().getRunAsUser();
        }
        return Optional.ofNullable(pod.getSecurityContext()).map(PodSecurityContext::getRunAsUser).orElse(null);
    }

    private static int lifeguardPort() {
        Properties p = new Properties();
        try (InputStream in = SidecarCheck.class.getResourceAsStream("/application.properties")) {
            p.load(Objects.requireNonNull(in, "application.properties is not on the class path"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Integer.parseInt(p.getProperty("quarkus.http.port"));
    }
}
