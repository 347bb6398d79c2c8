package dev.lifeguard.watch;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.config.Durations;

/**
 * Rounds of any check that started late, told to the operator: a warning at the first, then at most one a minute with
 * how many came since. Each check counts its own for the metrics. Thread-safe.
 */
final class LateRounds {

    private static final Logger LOG = Logger.getLogger(LateRounds.class);
    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final AtomicLong sinceWarning = new AtomicLong();
    private final AtomicLong nextWarningNanos = new AtomicLong(System.nanoTime());

    void record(CheckSpec spec, Duration by, int checks) {
        long count = sinceWarning.incrementAndGet();
        long now = System.nanoTime();
        long next = nextWarningNanos.get();
        if (now - next >= 0 && nextWarningNanos.compareAndSet(next, now + QUIET_NANOS)) {
            sinceWarning.addAndGet(-count);
            LOG.warnf("%s probed %s late, %d late round(s) of all checks since the last such warning: the event loops are too busy for"
                    + " %d check(s). Give Lifeguard more CPU, or watch fewer checks or at longer intervals"
                    + " (lifeguard_probe_rounds_late_total counts them by check)", spec.name(), Durations.elapsed(by), count, checks);
        }
    }
}
