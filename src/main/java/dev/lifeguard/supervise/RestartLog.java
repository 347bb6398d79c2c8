package dev.lifeguard.supervise;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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

    /** The restart records kept, oldest first. */
    List<Restart> all() {
        return history.get();
    }
}
