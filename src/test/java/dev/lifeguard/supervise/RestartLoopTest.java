package dev.lifeguard.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.lifeguard.config.RestartConfig.BudgetSpent;
import dev.lifeguard.config.RestartConfig.RestartPolicyKind;
import dev.lifeguard.config.SupervisionSpec;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.supervise.RestartLoop.Next;
import dev.lifeguard.supervise.RestartLoop.Operator;

/** The restart decisions in virtual time: no process, no thread, no sleep. */
class RestartLoopTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static RestartLoop loop(RestartPolicyKind policy, int maxRestarts) {
        return new RestartLoop(new SupervisionSpec(policy, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofSeconds(8), Duration.ofSeconds(60), maxRestarts, BudgetSpent.STAY, Duration.ofMinutes(10), true, true, Duration.ofSeconds(30),
                Optional.empty(), Optional.empty(), Optional.<Pattern>empty()));
    }

    private static ChildExit exit(int status, int second, Cause stoppedFor) {
        return new ChildExit(42, status, T0.plusSeconds(second), Duration.ofSeconds(1), OomKills.UNKNOWN, false, stoppedFor, stoppedFor == null ? null : "why",
                List.of(), List.of());
    }

    @Test
    void aCrashIsRestartedAfterABackOffThatDoublesUntilTheBudgetIsSpent() {
        RestartLoop loop = loop(RestartPolicyKind.ALWAYS, 2);
        loop.started();
        Next first = loop.exited(exit(1, 0, null), true);
        assertEquals(new Next(Next.Kind.RESTART, Duration.ofSeconds(1), first.restart()), first);
        assertEquals(ChildState.BACKING_OFF, loop.state());
        assertEquals(true, loop.due(first.restart()));
        loop.started();
        Next second = loop.exited(exit(1, 5, null), true);
        assertEquals(Duration.ofSeconds(2), second.delay());
        assertEquals(true, loop.due(second.restart()));
        loop.started();
        assertEquals(Next.Kind.CRASH_LOOP, loop.exited(exit(1, 9, null), true).kind());
        assertEquals(ChildState.CRASH_LOOP, loop.state());
        assertEquals(2, loop.restartsInWindow(T0.plusSeconds(9)));
        // The budget decays with the window.
        assertEquals(0, loop.restartsInWindow(T0.plusSeconds(9).plus(Duration.ofMinutes(10))));
    }

    @Test
    void anOperatorsRestartDuringTheBackOffStartsNowAndVoidsThePendingRestart() {
        RestartLoop loop = loop(RestartPolicyKind.ALWAYS, 5);
        loop.started();
        Next next = loop.exited(exit(1, 0, null), true);
        assertEquals(Operator.START_NOW, loop.requested(false));
        loop.started();
        assertEquals(false, loop.due(next.restart()), "the back-off's restart came after the operator's: a second child");
        assertEquals(ChildState.RUNNING, loop.state());
    }

    @Test
    void anOperatorsRestartOfARunningChildStopsItAndItsExitRestartsAtOnce() {
        RestartLoop loop = loop(RestartPolicyKind.ALWAYS, 5);
        loop.started();
        assertEquals(Operator.STOP, loop.requested(true));
        loop.stopping();
        Next next = loop.exited(exit(143, 1, Cause.RESTART_REQUESTED), true);
        assertEquals(new Next(Next.Kind.RESTART, Duration.ZERO, next.restart()), next);
    }

    @Test
    void anOperatorsRestartDuringAStopWaitsForTheExitThenRestartsAtOnce() {
        RestartLoop loop = loop(RestartPolicyKind.ALWAYS, 5);
        loop.started();
        loop.stopping();
        // The stop (a hang) has killed the child; its exit is not handled yet when the operator asks.
        assertEquals(Operator.AFTER_EXIT, loop.requested(false));
        Next next = loop.exited(exit(137, 12, Cause.HUNG), true);
        assertEquals(new Next(Next.Kind.RESTART, Duration.ZERO, next.restart()), next);
    }

    @Test
    void nothingStartsOnceLifeguardShutsDown() {
        RestartLoop loop = loop(RestartPolicyKind.ALWAYS, 5);
        loop.started();
        Next next = loop.exited(exit(1, 0, null), true);
        loop.shutdown();
        assertEquals(false, loop.due(next.restart()));
        assertEquals(Operator.IGNORE, loop.requested(false));
        assertEquals(ChildState.EXITED, loop.state());
    }

    @Test
    void aShutdownDuringAStopEndsWithTheChildsExit() {
        RestartLoop loop = loop(RestartPolicyKind.ALWAYS, 5);
        loop.started();
        loop.shutdown();
        loop.stopping();
        assertEquals(Next.Kind.END, loop.exited(exit(143, 1, null), true).kind());
        assertEquals(ChildState.EXITED, loop.state());
    }

    @Test
    void policiesNeverAndOnFailureAndACommandThatNeverRanEndForGood() {
        RestartLoop never = loop(RestartPolicyKind.NEVER, 5);
        never.started();
        assertEquals(Next.Kind.END, never.exited(exit(1, 0, null), true).kind());
        RestartLoop onFailure = loop(RestartPolicyKind.ON_FAILURE, 5);
        onFailure.started();
        assertEquals(Next.Kind.END, onFailure.exited(exit(0, 0, null), true).kind());
        RestartLoop crashed = loop(RestartPolicyKind.ON_FAILURE, 5);
        crashed.started();
        assertEquals(Next.Kind.RESTART, crashed.exited(exit(3, 0, null), true).kind());
        RestartLoop notFound = loop(RestartPolicyKind.ALWAYS, 5);
        notFound.started();
        assertEquals(Next.Kind.NEVER_RAN, notFound.exited(exit(127, 0, null), false).kind());
        RestartLoop answeredOnce = loop(RestartPolicyKind.ALWAYS, 5);
        answeredOnce.started();
        assertEquals(Next.Kind.RESTART, answeredOnce.exited(exit(127, 0, null), true).kind());
    }

    @Test
    void aBudgetOfZeroIsSpentByTheFirstDeathAndAnOperatorsRestartLeavesTheCrashLoop() {
        RestartLoop loop = loop(RestartPolicyKind.ALWAYS, 0);
        loop.started();
        assertEquals(Next.Kind.CRASH_LOOP, loop.exited(exit(1, 0, null), true).kind());
        assertEquals(Operator.START_NOW, loop.requested(false));
        loop.started();
        assertEquals(ChildState.RUNNING, loop.state());
    }

    @Test
    void movesOnlyThroughTheTable() {
        RestartLoop loop = loop(RestartPolicyKind.ALWAYS, 5);
        assertThrows(IllegalStateException.class, loop::stopping, "NONE -> STOPPING");
        loop.started();
        assertThrows(IllegalStateException.class, loop::started, "RUNNING -> RUNNING: a second child");
    }
}
