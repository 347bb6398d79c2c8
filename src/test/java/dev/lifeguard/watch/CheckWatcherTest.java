package dev.lifeguard.watch;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.config.Target;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.Probe;
import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.testing.FlappingListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** A check's schedule on a real Vert.x event loop, with probes that misbehave. */
class CheckWatcherTest {

    private static final CheckSpec SPEC = new CheckSpec("upstream", new Target.Tcp("127.0.0.1", 8080), Duration.ofMillis(50), Duration.ofMillis(50),
            Duration.ofMillis(50), 1, 1, Duration.ZERO, true);

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    private CheckWatcher watch(Probe probe) {
        CheckWatcher watcher = new CheckWatcher(SPEC, probe, vertx, Clock.systemUTC(), new WatchListener() {
        }, new TransitionLog(10), new CheckWatcher.Owner() {
        });
        watcher.start();
        return watcher;
    }

    @Test
    void aRealServiceThatRefusesAThirdOfTheTimeLeavesRotationAndIsNamedFlappingWhenItLeavesAgain() throws Exception {
        // The upstream's defaults: twice a second, 100 ms to confirm, out after 2 failures, back after 1 success.
        CheckSpec spec = new CheckSpec("upstream", new Target.Tcp("127.0.0.1", 0), Duration.ofMillis(500), Duration.ofMillis(100),
                Duration.ofSeconds(1), 2, 1, Duration.ZERO, true);
        List<Transition> transitions = new CopyOnWriteArrayList<>();
        try (FlappingListener service = new FlappingListener();
                Probe probe = Probe.of(new Target.Tcp("127.0.0.1", service.port()), spec.timeout(), vertx, Clock.systemUTC())) {
            CheckWatcher watcher = new CheckWatcher(spec, probe, vertx, Clock.systemUTC(), new WatchListener() {
                @Override
                public void transitioned(Transition transition) {
                    transitions.add(transition);
                }
            }, new TransitionLog(100), new CheckWatcher.Owner() {
        });
            watcher.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> leftRotation(transitions).size() >= 2);
            List<Transition> outs = leftRotation(transitions);
            assertEquals(Cause.CONNECTION_REFUSED, outs.get(0).cause(), "the first time, by a streak of refusals: " + transitions);
            assertEquals(Cause.FLAPPING, outs.get(1).cause(), "the second time, within a minute of the first: " + transitions);
            assertThat(outs.get(1).explanation(), containsString("connection_refused x"));
            watcher.stop();
        }
    }

    private static List<Transition> leftRotation(List<Transition> transitions) {
        return transitions.stream().filter(t -> t.from() == State.READY && t.to() == State.NOT_READY).toList();
    }

    @Test
    void aProbeThatThrowsIsAFailedProbeNamedUnexpectedAndTheScheduleGoesOn() {
        AtomicInteger calls = new AtomicInteger();
        CheckWatcher watcher = watch(() -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("port out of range:70000");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(calls.get(), greaterThanOrEqualTo(3)));
        Verdict v = watcher.verdict();
        assertEquals(Cause.UNEXPECTED, v.last().cause());
        assertThat(v.last().detail(), containsString("IllegalArgumentException: port out of range:70000"));
        assertEquals(State.NOT_READY, v.state());
        assertEquals(true, watcher.ticking());
    }

    @Test
    void aProbeThatNeverFinishesIsNotJoinedByAnotherAndItsSkippedRoundsAreCounted() {
        AtomicInteger calls = new AtomicInteger();
        CheckWatcher watcher = watch(() -> {
            calls.incrementAndGet();
            return Future.<ProbeResult>future(p -> { });
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watcher.skippedRounds(), greaterThanOrEqualTo(3L)));
        assertEquals(1, calls.get(), "a new probe started while one was outstanding");
        assertEquals(Cause.UNEXPECTED, watcher.verdict().last().cause());
        assertThat(watcher.verdict().last().detail(), containsString("still running"));
    }

    @Test
    void aProbeThatBlocksTheEventLoopStopsTheScheduleTickingSoLivenessFailsUntilItReturns() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        CheckWatcher watcher = watch(() -> {
            if (calls.incrementAndGet() == 2) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Future.succeededFuture(ProbeResult.ok("answered", Duration.ZERO, Clock.systemUTC().instant(), 200));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> !watcher.ticking());
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(watcher::ticking);
        assertThat(calls.get(), greaterThanOrEqualTo(3));
    }

    @Test
    void aChangeOfStateIsConfirmedAtTheFastIntervalAndSteadyStatesAreProbedAtTheInterval() {
        CheckSpec spec = new CheckSpec("upstream", SPEC.target(), Duration.ofMillis(1500), Duration.ofMillis(50), Duration.ofMillis(50), 3, 2,
                Duration.ZERO, true);
        // ok (starting), ok (ready), ok, fail, fail, fail (not ready), ok, ok (ready again), ok
        boolean[] answers = {true, true, true, false, false, false, true, true, true};
        List<Long> calls = new CopyOnWriteArrayList<>();
        CheckWatcher watcher = new CheckWatcher(spec, () -> {
            calls.add(System.nanoTime());
            boolean ok = answers[Math.min(calls.size(), answers.length) - 1];
            return Future.succeededFuture(ok ? ProbeResult.ok("answered", Duration.ZERO, Clock.systemUTC().instant(), 200)
                    : ProbeResult.failed(Cause.CONNECTION_REFUSED, "refused", Duration.ZERO, Clock.systemUTC().instant(), 0));
        }, vertx, Clock.systemUTC(), new WatchListener() {
        }, new TransitionLog(10), new CheckWatcher.Owner() {
        });
        watcher.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> calls.size() >= answers.length);
        long[] gaps = new long[answers.length - 1];
        for (int i = 1; i < answers.length; i++) {
            gaps[i - 1] = Duration.ofNanos(calls.get(i) - calls.get(i - 1)).toMillis();
        }
        String shown = java.util.Arrays.toString(gaps) + " ms";
        long steady = Math.min(Math.min(gaps[1], gaps[2]), gaps[5]);
        assertThat("the steady gaps (ready, not ready) are one interval: " + shown, steady, greaterThanOrEqualTo(1000L));
        for (int confirming : new int[] {0, 3, 4, 6}) {
            assertThat("a state change awaiting confirmation is probed at the fast interval: " + shown, gaps[confirming], lessThan(steady / 3));
        }
        assertThat("ready again, with failures in the window: watched at the fast interval: " + shown, gaps[7], lessThan(steady / 3));
        assertEquals(State.READY, watcher.verdict().state());
    }

    @Test
    void watchersAreSpreadOverTheEventLoopsNotAllOnOne() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<CheckWatcher> watchers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            watchers.add(watch(() -> {
                threads.add(Thread.currentThread().getName());
                return Future.succeededFuture(ProbeResult.ok("answered", Duration.ZERO, Clock.systemUTC().instant(), 200));
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> watchers.stream().allMatch(w -> w.verdict().last() != null));
        assertThat("the threads that probed: " + threads, threads.size(), greaterThanOrEqualTo(2));
        watchers.forEach(CheckWatcher::stop);
    }

    @Test
    void roundsThatStartLateBecauseTheEventLoopIsBusyAreCounted() {
        AtomicReference<CheckWatcher> self = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        CheckWatcher watcher = watch(() -> {
            if (calls.incrementAndGet() == 3) {
                // Other work on the same event loop (another check's render, a burst of requests) holds it for 600 ms.
                self.get().context().runOnContext(v -> {
                    long until = System.nanoTime() + Duration.ofMillis(600).toNanos();
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
            }
            return Future.succeededFuture(ProbeResult.ok("answered", Duration.ZERO, Clock.systemUTC().instant(), 200));
        });
        self.set(watcher);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watcher.lateRounds(), greaterThanOrEqualTo(1L)));
    }

    @Test
    void aProbePastItsDeadlineIsJudgedOnTheChecksOwnEventLoopNotOnAnotherThread() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CheckWatcher watcher = new CheckWatcher(SPEC, () -> Future.<ProbeResult>future(p -> { }), vertx, Clock.systemUTC(), new WatchListener() {
            @Override
            public void updated(Verdict verdict) {
                threads.add(Thread.currentThread().getName());
            }
        }, new TransitionLog(10), new CheckWatcher.Owner() {
        });
        watcher.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.verdict().last() != null);
        assertThat("the threads that updated the verdict: " + threads, threads.stream().allMatch(t -> t.startsWith("vert.x-eventloop-thread-")),
                org.hamcrest.Matchers.is(true));
        watcher.stop();
    }
}
