package dev.lifeguard.lb;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.lifeguard.config.InvalidConfigException;
import dev.lifeguard.config.LifeguardConfig;
import dev.lifeguard.config.LoadBalancerSpec;
import io.quarkus.runtime.configuration.ConfigurationException;

/** The validated load-balancer settings, once, for every bean of this package. */
final class LoadBalancerSettings {

    @Produces
    @Singleton
    LoadBalancerSpec spec(LifeguardConfig config) {
        try {
            return LoadBalancerSpec.from(config);
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
    }
}
