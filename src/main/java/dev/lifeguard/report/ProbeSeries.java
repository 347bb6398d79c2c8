package dev.lifeguard.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.WatchListener;

/**
 * The upstream's probes of the last hour, for the status page's chart: when, how long, passed or not. Bounded by time
 * and by count (two probes a second for an hour, whatever the interval). Thread-safe.
 */
@ApplicationScoped
public class ProbeSeries implements WatchListener {

    /** One probe. Immutable. */
    public record Sample(Instant at, Duration latency, boolean ok) {
    }

    static final Duration SPAN = Duration.ofHours(1);
    private static final int MOST = 7_200;

    private final Deque<Sample> samples = new ArrayDeque<>();

    @Override
    public void probed(Verdict verdict) {
        if (!verdict.spec().isUpstream() || verdict.last() == null) {
            return;
        }
        Sample s = new Sample(verdict.last().at(), verdict.last().latency(), verdict.last().ok());
        synchronized (samples) {
            samples.addLast(s);
            Instant from = s.at().minus(SPAN);
            while (samples.size() > MOST || !samples.isEmpty() && samples.peekFirst().at().isBefore(from)) {
                samples.removeFirst();
            }
        }
    }

    /** The samples kept, oldest first. */
    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }
}
