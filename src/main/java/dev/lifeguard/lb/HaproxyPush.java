package dev.lifeguard.lb;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.lifeguard.config.DryRun;
import dev.lifeguard.config.Durations;
import dev.lifeguard.config.HaproxyTarget;
import dev.lifeguard.config.LoadBalancerSpec;
import dev.lifeguard.diagnose.Degraded;
import dev.lifeguard.diagnose.DegradedListener;
import dev.lifeguard.diagnose.OverloadWatch;
import dev.lifeguard.watch.Admission;
import dev.lifeguard.watch.WatchListener;
import dev.lifeguard.watch.Watchers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;

/**
 * Pushes every change of admission to HAProxy's Runtime API the moment it happens, instead of waiting for HAProxy's
 * next check: not ready is {@code agent down} (or {@code health down} where the server has no agent-check: HAProxy
 * refuses agent commands then), draining is weight 0, ready is up at the agent's weight. Only what differs from
 * HAProxy's {@code show servers state} is sent, never over a state an operator set (MAINT, DRAIN), and the same
 * comparison runs every {@code lifeguard.haproxy.resync}, which repairs a lost push and a reload (whose new process
 * has forgotten it). All I/O runs on one background thread with a 1 s bound per command: a missing or slow HAProxy
 * never slows Lifeguard. Thread-safe.
 */
@ApplicationScoped
public class HaproxyPush implements WatchListener, DegradedListener {

    private static final Logger LOG = Logger.getLogger(HaproxyPush.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    /** {@code show servers state} columns (format 1). */
    private static final int NAME = 3;
    private static final int OP_STATE = 5;
    private static final int ADMIN_STATE = 6;
    private static final int UWEIGHT = 7;
    private static final int IWEIGHT = 8;
    private static final int AGENT_PORT = 24;
    private static final int RUNNING = 2;

    private final Watchers watchers;
    private final OverloadWatch overload;
    private final LoadBalancerSpec spec;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Counter failures;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lifeguard-haproxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile RuntimeApi api;
    /** For the status: what the last sync did, or why it failed. */
    private volatile String state = "";
    /** Failures in a row (push thread only): logged at the first, counted always. */
    private int failing;
    private Duration retry = FIRST_RETRY;
    /** What was said last per server, so that a skipped or refused push is logged once (push thread only). */
    private final Map<HaproxyTarget.Server, String> said = new HashMap<>();

    HaproxyPush(Watchers watchers, OverloadWatch overload, LoadBalancerSpec spec, Clock clock, Scheduler scheduler, MeterRegistry registry) {
        this.watchers = watchers;
        this.overload = overload;
        this.spec = spec;
        this.clock = clock;
        this.scheduler = scheduler;
        this.failures = Counter.builder("lifeguard.lb.push.failures").description("Pushes to a load balancer that failed (HAProxy's Runtime API)")
                .register(registry);
    }

    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 700) StartupEvent event) {
        if (spec.haproxy().isEmpty() || DryRun.active()) {
            return;
        }
        HaproxyTarget target = spec.haproxy().get();
        api = new RuntimeApi(target);
        state = "starting";
        LOG.infof("Pushing readiness to HAProxy's Runtime API at %s for %s, compared every %s", target.describe(), target.servers(),
                Durations.exact(spec.resync()));
        scheduler.newJob("lifeguard-haproxy-resync").setInterval(spec.resync().toString()).setTask(run -> request()).schedule();
        request();
    }

    @Override
    public void admissionChanged(Admission before, Admission after) {
        request();
    }

    @Override
    public void degradedChanged(Optional<Degraded> now) {
        request();
    }

    /** Asks for a sync with the admission at the time it runs; requests made while one waits join it. */
    private void request() {
        if (api != null && pending.compareAndSet(false, true)) {
            thread.execute(this::sync);
        }
    }

    private void sync() {
        pending.set(false);
        Admission admission = watchers.admission();
        try {
            List<String> done = new ArrayList<>();
            for (Map.Entry<String, List<HaproxyTarget.Server>> backend : byBackend().entrySet()) {
                Map<String, String[]> rows = serversState(backend.getKey());
                for (HaproxyTarget.Server server : backend.getValue()) {
                    done.add(push(server, rows.get(server.name()), admission));
                }
            }
            if (failing > 0) {
                LOG.infof("HAProxy's Runtime API at %s answers again after %d failed attempt(s)", spec.haproxy().get().describe(), failing);
            }
            failing = 0;
            retry = FIRST_RETRY;
            state = "in sync at " + clock.instant() + ": " + String.join("; ", done);
        } catch (IOException | RuntimeException e) {
            failures.increment();
            String why = e.getMessage() + hint(e.getMessage());
            if (failing++ == 0) {
                LOG.warnf("Cannot push to HAProxy's Runtime API at %s (lifeguard.haproxy.runtime-api): %s; retrying every %s at most, "
                        + "HAProxy's own checks still apply", spec.haproxy().get().describe(), why, Durations.exact(spec.resync()));
            }
            state = "failing (" + failing + " attempt(s) in a row): " + why;
            thread.schedule(this::request, retry.toMillis(), TimeUnit.MILLISECONDS);
            retry = retry.multipliedBy(2).compareTo(spec.resync()) > 0 ? spec.resync() : retry.multipliedBy(2);
        }
    }

    /** What to do about what HAProxy or the socket said. */
    private static String hint(String message) {
        String m = String.valueOf(message);
        if (m.contains("Permission denied")) {
            return " (the stats socket needs 'level admin')";
        }
        if (m.contains("Can't find backend") || m.contains("No such backend")) {
            return " (check lifeguard.haproxy.server against the backends in haproxy.cfg)";
        }
        if (m.contains("Connection refused") || m.contains("No such file")) {
            return " (is HAProxy running, with 'stats socket' at that address?)";
        }
        return "";
    }

    private Map<String, List<HaproxyTarget.Server>> byBackend() {
        Map<String, List<HaproxyTarget.Server>> all = new LinkedHashMap<>();
        for (HaproxyTarget.Server s : spec.haproxy().get().servers()) {
            all.computeIfAbsent(s.backend(), b -> new ArrayList<>()).add(s);
        }
        return all;
    }

    /** Each server's row of {@code show servers state <backend>}, by name. */
    private Map<String, String[]> serversState(String backend) throws IOException {
        String answer = api.send("show servers state " + backend);
        Map<String, String[]> rows = new HashMap<>();
        for (String line : answer.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length > AGENT_PORT && f[1].equals(backend)) {
                rows.put(f[NAME], f);
            }
        }
        if (rows.isEmpty() && !answer.startsWith("1")) {
            throw new IOException("show servers state " + backend + ": " + answer.strip());
        }
        return rows;
    }

    /** Sends what makes HAProxy's state for {@code server} match {@code admission}; returns what it did. */
    private String push(HaproxyTarget.Server server, String[] row, Admission admission) throws IOException {
        if (row == null) {
            return once(server, "HAProxy has no server " + server + ": check lifeguard.haproxy.server against haproxy.cfg");
        }
        int admin = Integer.parseInt(row[ADMIN_STATE]);
        if (admin != 0) {
            return once(server, server + " is in an operator's " + ((admin & 0x08) != 0 || (admin & 0x10) != 0 ? "DRAIN" : "MAINT")
                    + " (admin state " + admin + "): not overriding it");
        }
        said.remove(server);
        boolean up = Integer.parseInt(row[OP_STATE]) == RUNNING;
        int weight = Integer.parseInt(row[UWEIGHT]);
        int initial = Integer.parseInt(row[IWEIGHT]);
        boolean agent = !row[AGENT_PORT].equals("0");
        String check = agent ? "agent" : "health";
        List<String> commands = new ArrayList<>();
        switch (admission.status()) {
            case NOT_READY -> {
                if (up) {
                    commands.add("set server " + server + " " + check + " down");
                }
            }
            case DRAINING -> {
                if (weight != 0) {
                    commands.add("set server " + server + " weight 0");
                }
            }
            case READY -> {
                if (!up) {
                    // Both: either may hold it down, and HAProxy's next check of either confirms or overwrites.
                    commands.add("set server " + server + " health up");
                    if (agent) {
                        commands.add("set server " + server + " agent up");
                    }
                }
                int percent = AgentCheckReply.weight(admission.since(), overload.current(), spec.warmup(), clock.instant());
                if (weight != initial * percent / 100) {
                    commands.add("set server " + server + " weight " + percent + "%");
                }
            }
        }
        for (String command : commands) {
            String answer = api.send(command).strip();
            if (!answer.isEmpty()) {
                throw new IOException(command + ": " + answer);
            }
            LOG.infof("Pushed to HAProxy: %s (%s)", command, admission.code());
        }
        return server + (commands.isEmpty() ? " already " : " ") + admission.status().name().toLowerCase();
    }

    private String once(HaproxyTarget.Server server, String message) {
        if (!message.equals(said.put(server, message))) {
            LOG.warn(message);
        }
        return message;
    }

    /** Whether pushing is on: {@code lifeguard.haproxy.runtime-api} is set. */
    public boolean enabled() {
        return api != null;
    }

    /**
     * The sessions HAProxy has open to the servers now ({@code scur} of {@code show stat}), asked on the push thread;
     * fails when HAProxy cannot be asked.
     */
    CompletableFuture<Integer> sessions() {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                int sum = 0;
                for (String backend : byBackend().keySet()) {
                    List<String> lines = api.send("show stat " + backend + " 4 -1").lines().toList();
                    if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
                        throw new IOException("show stat " + backend + ": " + String.join(" ", lines));
                    }
                    List<String> header = List.of(lines.get(0).substring(2).split(","));
                    int name = header.indexOf("svname");
                    int scur = header.indexOf("scur");
                    for (String line : lines.subList(1, lines.size())) {
                        String[] f = line.split(",", -1);
                        for (HaproxyTarget.Server s : spec.haproxy().get().servers()) {
                            if (f.length > Math.max(name, scur) && s.backend().equals(backend) && s.name().equals(f[name])) {
                                sum += Integer.parseInt(f[scur]);
                            }
                        }
                    }
                }
                result.complete(sum);
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** What the last sync did, or why it failed; empty when pushing is off. */
    public String state() {
        return state;
    }

    @PreDestroy
    void stop() {
        thread.shutdownNow();
    }
}
