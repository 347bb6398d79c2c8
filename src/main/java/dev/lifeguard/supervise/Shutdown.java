package dev.lifeguard.supervise;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.lifeguard.config.InvalidConfigException;
import dev.lifeguard.config.LifeguardConfig;
import dev.lifeguard.config.LoadBalancerSpec;
import dev.lifeguard.diagnose.Incidents;
import dev.lifeguard.watch.Watchers;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Lifeguard is stopping (SIGTERM, SIGINT): the load balancers are drained while the wrapped child still serves, then
 * the child is stopped, and Lifeguard exits with its status.
 */
@ApplicationScoped
class Shutdown {

    private static final Logger LOG = Logger.getLogger(Shutdown.class);

    private final Supervisor supervisor;
    private final Watchers watchers;
    private final DrainGate drainGate;
    private final Incidents incidents;
    /** The longest a drain may take, with a margin: the gate itself gives up at the drain timeout. */
    private final Duration drainBound;

    Shutdown(Supervisor supervisor, Watchers watchers, DrainGate drainGate, LifeguardConfig config, Incidents incidents) {
        this.supervisor = supervisor;
        this.incidents = incidents;
        this.watchers = watchers;
        this.drainGate = drainGate;
        try {
            this.drainBound = LoadBalancerSpec.from(config).drainTimeout().plusSeconds(5);
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
    }

    /**
     * Before Lifeguard's HTTP server stops answering (Quarkus's pre-shutdown phase, {@code quarkus.shutdown.delay-enabled}),
     * drain while the child still serves. Not ready already means out of rotation: nothing to drain.
     */
    void drain(@Observes ShutdownDelayInitiatedEvent event) {
        if (!supervisor.wraps() || !(watchers.ready() || watchers.drain().isPresent())) {
            return;
        }
        try {
            drainGate.drain("Lifeguard is stopping").toCompletableFuture().get(drainBound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("The drain did not end in time (%s); stopping the child anyway", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the child gracefully and waits for it, then lets Lifeguard exit with its status. */
    void stop(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 1000) ShutdownEvent event) {
        Optional<Integer> ended = supervisor.stopForShutdown();
        // Before halt(), which runs no shutdown observer after this one: the incident book's last write.
        incidents.lifeguardStopping();
        ended.ifPresent(status -> {
            // A JVM stopped by a signal exits with 128 + that signal whatever its code returns; only halt() can pass
            // the child's status on, as a supervisor must.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(status);
        });
    }
}
