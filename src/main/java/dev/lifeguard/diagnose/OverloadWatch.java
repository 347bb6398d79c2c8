package dev.lifeguard.diagnose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.lifeguard.config.DegradedSpec;
import dev.lifeguard.config.DryRun;
import dev.lifeguard.config.Durations;
import dev.lifeguard.config.InvalidConfigException;
import dev.lifeguard.config.LifeguardConfig;
import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.WatchListener;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Looks for signs that a ready upstream is overloaded, every {@value #EVERY_SECONDS} s: its answers taking
 * {@code lifeguard.degraded.latency-share} of the probe's timeout or more (median of the last {@value #LATENCIES}), the
 * listen queue overflowing ({@code ListenOverflows} in {@code /proc/net/netstat}: connections dropped before they are
 * accepted), its cgroup's CPU throttled in a quarter of the scheduling periods or more ({@code cpu.stat}), and its open
 * files or its memory at 90 % of their limits. Any sign makes it degraded at once; it is no longer after
 * {@value #CLEAR_SAMPLES} looks without one. Said once when it starts and once when it ends. Thread-safe.
 */
@ApplicationScoped
public class OverloadWatch implements WatchListener {

    private static final Logger LOG = Logger.getLogger(OverloadWatch.class);
    static final int EVERY_SECONDS = 2;
    static final int LATENCIES = 10;
    private static final int MIN_LATENCIES = 5;
    static final double NEAR_LIMIT = 0.9;
    static final double THROTTLED = 0.25;
    static final int CLEAR_SAMPLES = 3;

    private final DegradedSpec spec;
    private final Clock clock;
    private final Iterable<DegradedListener> listeners;
    private final Deque<Duration> latencies = new ArrayDeque<>();
    private volatile Duration probeTimeout;
    /** The upstream's process, where Lifeguard runs it; 0 when it does not (its cgroup is then Lifeguard's). */
    private volatile long pid;
    private volatile Degraded current;
    private ScheduledExecutorService looker;
    /** The counters as the previous look left them (looker thread only). */
    private long overflowsBefore = -1;
    private long periodsBefore = -1;
    private long throttledBefore = -1;
    private int clean;

    @Inject
    OverloadWatch(LifeguardConfig config, Clock clock, Instance<DegradedListener> listeners) {
        this(spec(config), clock, (Iterable<DegradedListener>) listeners);
    }

    OverloadWatch(DegradedSpec spec, Clock clock, Iterable<DegradedListener> listeners) {
        this.spec = spec;
        this.clock = clock;
        this.listeners = listeners;
    }

    private static DegradedSpec spec(LifeguardConfig config) {
        try {
            return DegradedSpec.from(config);
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
    }

    void start(@Observes StartupEvent event) {
        if (DryRun.active()) {
            return;
        }
        looker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lifeguard-overload");
            t.setDaemon(true);
            return t;
        });
        looker.scheduleWithFixedDelay(() -> {
            try {
                look();
            } catch (RuntimeException e) {
                LOG.errorf(e, "[unexpected] looking for signs of overload failed: %s; please report it", e);
            }
        }, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (looker != null) {
            looker.shutdownNow();
        }
    }

    /** The upstream's process started (wrap mode): its cgroup and its files are looked at from now on. */
    public void processStarted(long pid) {
        this.pid = pid;
    }

    /** Degraded now, with its signs; empty when not. */
    public Optional<Degraded> current() {
        return Optional.ofNullable(current);
    }

    @Override
    public void probed(Verdict verdict) {
        ProbeResult last = verdict.last();
        if (!verdict.spec().isUpstream() || last == null || !last.ok()) {
            return;
        }
        probeTimeout = verdict.spec().timeout();
        synchronized (latencies) {
            latencies.addLast(last.latency());
            while (latencies.size() > LATENCIES) {
                latencies.removeFirst();
            }
        }
    }

    /** One look: the signs now, and what changed. */
    void look() {
        List<String> signs = new ArrayList<>();
        latencySign().ifPresent(signs::add);
        listenOverflowSign(Path.of("/proc/net/netstat")).ifPresent(signs::add);
        long process = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : 0;
        Cgroups.of(process, "cpu").flatMap(this::throttleSign).ifPresent(signs::add);
        Cgroups.of(process, "memory").flatMap(OverloadWatch::memorySign).ifPresent(signs::add);
        if (process > 0) {
            // Not a whole ProcSnapshot: that reads a file per thread, thousands every look for some services.
            ProcSnapshot.openFiles(process).flatMap(OverloadWatch::filesSign).ifPresent(signs::add);
        }
        judge(signs);
    }

    /** Degraded at the first sign; no longer after {@value #CLEAR_SAMPLES} looks without one. */
    synchronized void judge(List<String> signs) {
        Degraded before = current;
        if (!signs.isEmpty()) {
            clean = 0;
            current = new Degraded(before != null ? before.since() : clock.instant(), signs, spec.weightPercent());
            if (before == null) {
                LOG.warnf("[degraded] The upstream is overloaded, still serving: %s. Load balancers are told to give it %d%% of its weight "
                        + "(lifeguard.degraded.weight) until it recovers.", String.join("; ", signs), spec.weightPercent());
            }
        } else if (before != null && ++clean >= CLEAR_SAMPLES) {
            current = null;
            LOG.infof("The upstream is no longer degraded, after %s", Durations.elapsed(Duration.between(before.since(), clock.instant())));
        }
        Degraded now = current;
        if ((before == null) != (now == null)) {
            listeners.forEach(l -> l.degradedChanged(Optional.ofNullable(now)));
        }
    }

    private Optional<String> latencySign() {
        Duration timeout = probeTimeout;
        List<Duration> recent;
        synchronized (latencies) {
            recent = new ArrayList<>(latencies);
        }
        return timeout == null ? Optional.empty() : latencySign(recent, timeout, spec.latencyShare());
    }

    static Optional<String> latencySign(List<Duration> recent, Duration timeout, double share) {
        if (recent.size() < MIN_LATENCIES) {
            return Optional.empty();
        }
        List<Duration> sorted = recent.stream().sorted().toList();
        Duration median = sorted.get(sorted.size() / 2);
        double used = (double) median.toNanos() / timeout.toNanos();
        return used < share ? Optional.empty()
                : Optional.of(String.format("answers take %d%% of the probe's timeout (median of the last %d: %s of %s)", Math.round(used * 100),
                        recent.size(), Durations.elapsed(median), Durations.exact(timeout)));
    }

    private Optional<String> listenOverflowSign(Path netstat) {
        OptionalLong now = listenOverflows(netstat);
        long before = overflowsBefore;
        overflowsBefore = now.orElse(-1);
        if (now.isEmpty() || before < 0 || now.getAsLong() <= before) {
            return Optional.empty();
        }
        return Optional.of("the listen queue overflowed " + (now.getAsLong() - before) + " time(s) in " + EVERY_SECONDS
                + "s (ListenOverflows, /proc/net/netstat): connections are dropped before the service accepts them");
    }

    /** The {@code TcpExt ListenOverflows} counter: a header line of names, then a line of values. */
    static OptionalLong listenOverflows(Path netstat) {
        try {
            List<String> lines = Files.readAllLines(netstat);
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                    List<String> names = List.of(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    int at = names.indexOf("ListenOverflows");
                    return at > 0 && at < values.length ? OptionalLong.of(Long.parseLong(values[at])) : OptionalLong.empty();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable here
        }
        return OptionalLong.empty();
    }

    private Optional<String> throttleSign(Cgroups.Dir cpu) {
        long periods = cpu.keyed("cpu.stat", "nr_periods").orElse(-1);
        long throttled = cpu.keyed("cpu.stat", "nr_throttled").orElse(-1);
        long periodsThen = periodsBefore;
        long throttledThen = throttledBefore;
        periodsBefore = periods;
        throttledBefore = throttled;
        if (periods < 0 || throttled < 0 || periodsThen < 0 || periods - periodsThen < 5) {
            return Optional.empty();
        }
        double share = (double) (throttled - throttledThen) / (periods - periodsThen);
        return share < THROTTLED ? Optional.empty()
                : Optional.of(String.format("its CPU was throttled in %d%% of the last %ds's scheduling periods (cpu.stat of cgroup %s): "
                        + "its CPU limit is too low for the load", Math.round(share * 100), EVERY_SECONDS, cpu.path().getFileName()));
    }

    static Optional<String> memorySign(Cgroups.Dir memory) {
        OptionalLong limit = memory.number(memory.v2() ? "memory.max" : "memory.limit_in_bytes");
        OptionalLong usage = memory.number(memory.v2() ? "memory.current" : "memory.usage_in_bytes");
        if (limit.isEmpty() || usage.isEmpty()) {
            return Optional.empty();
        }
        // The working set, as the kubelet counts it: the page cache it could drop is no pressure.
        long inactive = memory.keyed("memory.stat", memory.v2() ? "inactive_file" : "total_inactive_file").orElse(0);
        long used = Math.max(0, usage.getAsLong() - inactive);
        double share = (double) used / limit.getAsLong();
        return share < NEAR_LIMIT ? Optional.empty()
                : Optional.of(String.format("its memory is at %d%% of its limit (%d of %d MiB, cgroup %s): the OOM killer comes next",
                        Math.round(share * 100), used >> 20, limit.getAsLong() >> 20, memory.path().getFileName()));
    }

    static Optional<String> filesSign(ProcSnapshot.OpenFiles p) {
        if (p.max() <= 0 || p.open() < NEAR_LIMIT * p.max()) {
            return Optional.empty();
        }
        return Optional.of("process " + p.pid() + " has " + p.open() + " files open of its limit of " + p.max()
                + " (ulimit -n): new connections fail next");
    }
}
