package dev.lifeguard.diagnose;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.GatewaySpec;
import dev.lifeguard.config.InvalidConfigException;
import dev.lifeguard.config.LifeguardConfig;
import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.WatchListener;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Compares the upstream's answer times with the gateway's timeout ({@code lifeguard.gateway.timeout}): an answer that
 * takes {@code warn-at} of it or more is reported, once when it starts and once when it ends, before the answers that
 * take longer become 504s. Only answers count (a probe that got one, whatever its status). Thread-safe.
 */
@ApplicationScoped
public class GatewayDeadline implements WatchListener {

    private static final Logger LOG = Logger.getLogger(GatewayDeadline.class);

    /** The latest answer's time against the timeout, and since when answers have been this close. Immutable. */
    public record Standing(Duration timeout, double warnAt, Duration latest, Instant nearSince) {

        public double share() {
            return (double) latest.toNanos() / timeout.toNanos();
        }

        public boolean near() {
            return nearSince != null;
        }
    }

    private final GatewaySpec spec;
    private volatile Standing standing;

    GatewayDeadline(LifeguardConfig config) {
        try {
            this.spec = GatewaySpec.from(config);
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
    }

    /** Where answers stand against the gateway's timeout; empty without one, or before the first answer. */
    public Optional<Standing> standing() {
        return Optional.ofNullable(standing);
    }

    @Override
    public synchronized void probed(Verdict verdict) {
        ProbeResult last = verdict.last();
        if (spec.timeout().isEmpty() || !verdict.spec().isUpstream() || last == null || !last.ok() && last.httpStatus() == 0) {
            return;
        }
        Duration timeout = spec.timeout().get();
        boolean near = last.latency().compareTo(spec.warnAfter().orElseThrow()) >= 0;
        Standing before = standing;
        boolean wasNear = before != null && before.near();
        Instant since = near ? wasNear ? before.nearSince() : last.at() : null;
        standing = new Standing(timeout, spec.warnAt(), last.latency(), since);
        if (near && !wasNear) {
            LOG.warnf("The upstream answered in %s, %d%% of the gateway's timeout (%s, lifeguard.gateway.timeout): requests that take a little "
                    + "longer get a 504 from it. Advice: find what makes it slow (load, a slow dependency, GC pauses), or raise the gateway's "
                    + "timeout and lifeguard.gateway.timeout with it.", Durations.elapsed(last.latency()), Math.round(standing.share() * 100),
                    Durations.exact(timeout));
        } else if (!near && wasNear) {
            LOG.infof("The upstream answers in %s again, %d%% of the gateway's timeout (%s)", Durations.elapsed(last.latency()),
                    Math.round(standing.share() * 100), Durations.exact(timeout));
        }
    }
}
