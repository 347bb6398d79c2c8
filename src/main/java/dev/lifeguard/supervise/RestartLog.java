package dev.lifeguard.supervise;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Durations;
import dev.lifeguard.diagnose.Incidents;
import dev.lifeguard.probe.Cause;

/**
 * The supervisor's restart records: each one logged once (a clean exit at INFO, the rest at WARN with the advice), told to
 * the listeners, and kept in a bounded history, oldest first. Thread-safe: readers get an immutable snapshot.
 */
final class RestartLog {

    private static final Logger LOG = Logger.getLogger(RestartLog.class);

    private final int capacity;
    private final Iterable<SupervisorListener> listeners;
    private final Incidents incidents;
    private final AtomicReference<List<Restart>> history = new AtomicReference<>(List.of());

    RestartLog(int capacity, Iterable<SupervisorListener> listeners, Incidents incidents) {
        this.capacity = capacity;
        this.listeners = listeners;
        this.incidents = incidents;
    }

    void record(Restart restart) {
        history.updateAndGet(before -> {
            List<Restart> kept = before.size() < capacity ? before : before.subList(before.size() - capacity + 1, before.size());
            return Stream.concat(kept.stream(), Stream.of(restart)).toList();
        });
        if (restart.cause() == Cause.EXITED && restart.restartIn() < 0) {
            LOG.infof("%s", restart.explanation());
        } else {
            LOG.warnf("[%s] %s%s. Advice: %s", restart.cause().code(), restart.explanation(),
                    restart.restartIn() >= 0 ? "; restarting in " + Durations.exact(Duration.ofMillis(restart.restartIn())) : "",
                    restart.advice());
        }
        incidents.restarted(restart.cause(), restart.explanation(), restart.at());
        listeners.forEach(l -> l.restarted(restart));
    }

    /**
     * What the deaths since {@code since} have in common, with {@code last}: "all 4 were oom_killed", or each cause
     * with its count ("crashed x3, oom_killed x1"). For a crash loop, whose restarts are the evidence.
     */
    String causesSince(Instant since, Cause last) {
        Map<String, Long> counts = Stream.concat(all().stream().filter(r -> !r.at().isBefore(since) && r.restartIn() >= 0).map(r -> r.cause().code()),
                Stream.of(last.code())).collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting()));
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        return counts.size() == 1 ? (total == 1 ? "it was " : "all " + total + " were ") + counts.keySet().iterator().next()
                : counts.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** The restart records kept, oldest first. */
    List<Restart> all() {
        return history.get();
    }
}
