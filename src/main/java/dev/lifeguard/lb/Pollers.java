package dev.lifeguard.lb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who polls Lifeguard's readiness (an HTTP health check, the kubelet, HAProxy's agent-check), keyed by source
 * address, kind and user agent, with their last few poll times: those that polled steadily before a drain are the
 * ones that must observe it. Two load balancers on one host with the same user agent are one poller here. At most {@value #MAX} are remembered (the least recent dropped), and only a steady
 * poller counts, so a stray {@code curl} or a hostile client cannot hold a drain. Thread-safe.
 */
@ApplicationScoped
public class Pollers {

    static final int MAX = 64;
    /** Polls remembered per poller. */
    private static final int KEPT = 5;
    /**
     * Steady means at least this many polls in the last five minutes (so a load balancer checking every 30 s counts),
     * at a regular interval, and still polling.
     */
    private static final int STEADY_POLLS = 3;
    private static final Duration RECENT = Duration.ofMinutes(5);
    /** Regular: the longest gap between polls is at most this many times the shortest (fast re-checks vary it). */
    private static final int IRREGULARITY = 4;

    /** A poller, as one source address, kind ({@code http}, {@code agent-check}) and user agent. */
    public record Key(String address, String kind, String agent) {
        @Override
        public String toString() {
            return kind + " from " + address + (agent.isEmpty() ? "" : " (" + agent + ")");
        }
    }

    private final Clock clock;
    private final Map<Key, Polls> pollers = new ConcurrentHashMap<>();

    Pollers(Clock clock) {
        this.clock = clock;
    }

    /** Records a poll that has just been answered. */
    public void polled(String address, String kind, String agent) {
        Key key = new Key(address, kind, agent == null ? "" : agent);
        Polls polls = pollers.get(key);
        if (polls == null) {
            if (pollers.size() >= MAX) {
                forgetLeastRecent();
            }
            polls = pollers.computeIfAbsent(key, k -> new Polls());
        }
        polls.add(clock.millis());
    }

    private void forgetLeastRecent() {
        pollers.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().last()))
                .ifPresent(e -> pollers.remove(e.getKey(), e.getValue()));
    }

    /** The pollers that polled steadily in the minute before {@code at}. */
    public List<Key> steadyBefore(Instant at) {
        List<Key> steady = new ArrayList<>();
        pollers.forEach((key, polls) -> {
            if (polls.steadyBefore(at.toEpochMilli())) {
                steady.add(key);
            }
        });
        return steady;
    }

    /** Whether {@code key} has polled (and been answered) at or after {@code at}. */
    public boolean polledSince(Key key, Instant at) {
        return polledSince(key, at, 1);
    }

    /** Whether {@code key} has polled (and been answered) at least {@code times} times at or after {@code at}. */
    public boolean polledSince(Key key, Instant at, int times) {
        Polls polls = pollers.get(key);
        return polls != null && polls.countSince(at.toEpochMilli()) >= times;
    }

    public int size() {
        return pollers.size();
    }

    /** The last poll times of one poller, oldest first. */
    private static final class Polls {
        private final long[] at = new long[KEPT];
        private int count;
        private int next;

        synchronized void add(long millis) {
            at[next] = millis;
            next = (next + 1) % KEPT;
            count = Math.min(count + 1, KEPT);
        }

        synchronized int countSince(long t) {
            int n = 0;
            for (int i = 0; i < count; i++) {
                if (at[(next - count + i + KEPT) % KEPT] >= t) {
                    n++;
                }
            }
            return n;
        }

        synchronized long last() {
            return count == 0 ? Long.MIN_VALUE : at[(next - 1 + KEPT) % KEPT];
        }

        synchronized boolean steadyBefore(long t) {
            List<Long> recent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long p = at[(next - count + i + KEPT) % KEPT];
                if (p <= t && p >= t - RECENT.toMillis()) {
                    recent.add(p);
                }
            }
            if (recent.size() < STEADY_POLLS) {
                return false;
            }
            long shortest = Long.MAX_VALUE;
            long longest = 0;
            for (int i = 1; i < recent.size(); i++) {
                long gap = recent.get(i) - recent.get(i - 1);
                shortest = Math.min(shortest, gap);
                longest = Math.max(longest, gap);
            }
            boolean regular = longest <= IRREGULARITY * Math.max(shortest, 1);
            boolean stillPolling = t - recent.get(recent.size() - 1) <= 2 * Math.max(longest, 1);
            return regular && stillPolling;
        }
    }
}
