package dev.lifeguard.config;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.vertx.http.HttpServerStart;

/**
 * Before any check starts: refuses a {@code lifeguard.*} key Lifeguard does not read (one line naming the closest known
 * key, exit status 1), warns once about each unknown {@code LIFEGUARD_*} environment variable, and validates every
 * value, so that a bad restart setting, too, is refused before the checks start and log (one line, not several).
 */
@Singleton
class StartupChecks {

    private static final Logger LOG = Logger.getLogger(StartupChecks.class);

    void check(@Observes @Priority(Interceptor.Priority.APPLICATION + 100) StartupEvent event, Config config, LifeguardConfig lifeguard) {
        try {
            Settings.check(config).forEach(LOG::warn);
            CheckSpecs.from(lifeguard);
            SupervisionSpec.from(lifeguard);
            LoadBalancerSpec.from(lifeguard);
            GatewaySpec.from(lifeguard);
            DegradedSpec.from(lifeguard);
            IncidentsSpec.from(lifeguard);
            KubernetesSpec.from(lifeguard);
            HttpSpec.from(lifeguard);
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
    }

    /** Said once Lifeguard listens: a start-up that fails (its port in use) says only why. */
    void started(@ObservesAsync HttpServerStart event, Config config) {
        LOG.infof("Effective settings: %s", String.join(", ", Settings.effective(config)));
    }
}
