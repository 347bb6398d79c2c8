package dev.lifeguard.supervise;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Durations;
import dev.lifeguard.probe.Cause;

/**
 * The supervisor's incidents: each one logged once (a clean exit at INFO, the rest at WARN with the advice), told to
 * the listeners, and kept in a bounded history, oldest first. Thread-safe: readers get an immutable snapshot.
 */
final class IncidentLog {

    private static final Logger LOG = Logger.getLogger(IncidentLog.class);

    private final int capacity;
    private final Iterable<SupervisorListener> listeners;
    private final AtomicReference<List<Incident>> history = new AtomicReference<>(List.of());

    IncidentLog(int capacity, Iterable<SupervisorListener> listeners) {
        this.capacity = capacity;
        this.listeners = listeners;
    }

    void record(Incident incident) {
        history.updateAndGet(before -> {
            List<Incident> kept = before.size() < capacity ? before : before.subList(before.size() - capacity + 1, before.size());
            return Stream.concat(kept.stream(), Stream.of(incident)).toList();
        });
        if (incident.cause() == Cause.EXITED && incident.restartIn() < 0) {
            LOG.infof("%s", incident.explanation());
        } else {
            LOG.warnf("[%s] %s%s. Advice: %s", incident.cause().code(), incident.explanation(),
                    incident.restartIn() >= 0 ? "; restarting in " + Durations.exact(Duration.ofMillis(incident.restartIn())) : "",
                    incident.advice());
        }
        listeners.forEach(l -> l.incident(incident));
    }

    /** The incidents kept, oldest first. */
    List<Incident> all() {
        return history.get();
    }
}
