package dev.lifeguard.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.jboss.logging.Logger;

import java.util.function.Consumer;

import dev.lifeguard.config.Durations;
import dev.lifeguard.diagnose.ProcSnapshot;
import dev.lifeguard.diagnose.Sockets;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/**
 * Decides from the upstream's probes, and {@code /proc} where the process is seen, whether it is answering, slow or
 * hung. After a probe times out waiting for an answer, a side probe with a longer timeout asks whether it answers at
 * all. At the end of the hang window a seen process is slow (not hung) when the side probe got an answer during the
 * window, unless the evidence alone says hung (stopped, deadlocked); while a side probe is still out, the verdict
 * waits for it. The connections it finished with during the window are evidence, not proof. Fed on the supervisor thread;
 * {@link #judgedHung()} may be read from any.
 */
final class HangDetector {

    private static final Logger LOG = Logger.getLogger(HangDetector.class);

    /**
     * A process that has not answered for the whole hang window: why, in one line, the facts, its thread dump if one
     * was taken, and what tells a slow process from a hung one. Immutable.
     *
     * @param since when the window began
     * @param definite the evidence alone says hung (stopped, deadlocked, stuck in I/O, out of descriptors): no slow
     *     service looks like that
         */
    record Hang(long pid, String why, List<String> evidence, List<String> threadDump, Instant since, boolean definite) {
    }

    /** What to do about a process that did not answer for the whole hang window. */
    sealed interface Decision permits Hung, Slow, Stuck {
        Hang hang();
    }

    /** Hung: stop it. */
    record Hung(Hang hang) implements Decision {
    }

    /** Slow: it still serves; {@code why} in one line. */
    record Slow(Hang hang, String why) implements Decision {
    }

    /** Partly hung: it answers some requests and will never finish others; restart it once the rest have ended. */
    record Stuck(Hang hang) implements Decision {
    }

    private final HangJudge judge;
    private final SlowProbe sideProbe;
    private final Duration probeTimeout;
    private final Clock clock;
    private final boolean threadDump;
    private final OptionalInt port;
    private final Duration stuckAfter;
    private final StuckRequests stuck = new StuckRequests();
    private boolean stuckReported;
    private volatile boolean judgedHung;
    /** When the current hang window began, and the process as it was then. */
    private Instant windowStart;
    private ProcSnapshot atWindowStart;
    private Set<Long> heldAtWindowStart = Set.of();
    /** Whether this window's hang was reported: once per window. */
    private boolean reported;
    /** A hang waiting for the side probe's answer, for the process it concerns; null when none. */
    private Hang pending;
    private ChildProcess pendingFor;

    HangDetector(Duration hangAfter, boolean threadDump, OptionalInt port, SlowProbe sideProbe, Duration probeTimeout, Clock clock) {
        this.clock = clock;
        // A slow request is answered within the side probe's timeout; one kept past it, and past hang-after, never is.
        this.stuckAfter = hangAfter.compareTo(sideProbe.timeout()) > 0 ? hangAfter : sideProbe.timeout();
        this.judge = new HangJudge(hangAfter);
        this.threadDump = threadDump;
        this.port = port;
        this.sideProbe = sideProbe;
        this.probeTimeout = probeTimeout;
    }

    /** Whether the upstream is judged hung now: what {@code /lifeguard/upstream/live} tells a kubelet. */
    boolean judgedHung() {
        return judgedHung;
    }

    /** A new process starts: everything is forgotten. */
    void reset() {
        judge.reset();
        judgedHung = false;
        windowStart = null;
        atWindowStart = null;
        heldAtWindowStart = Set.of();
        reported = false;
        pending = null;
        pendingFor = null;
        sideProbe.reset();
        stuck.reset();
        stuckReported = false;
    }

    /** Not hung after all (it answered, slowly): /lifeguard/upstream/live says so. */
    void slow() {
        judgedHung = false;
    }

    /**
     * Observes one probe of the upstream.
     *
     * @param process the upstream's process when it is seen alive, else null: then a hang is only judged and logged
     * @param askSide gets the side probe's answer (or empty when none came in time) for {@link #sideAnswered}; it must
     *     bring it back to the supervisor thread
     * @return what to do, once per window, when a seen process has failed like a hang for the whole of it
     */
    Optional<Decision> observe(ProbeResult last, ChildProcess process, Consumer<Optional<SlowProbe.Answer>> askSide) {
        judge.observe(last, process != null);
        if (last.ok()) {
            sideProbe.upstreamAnswered(last.at());
        }
        if (process != null && last.cause() == Cause.RESPONSE_TIMEOUT) {
            sideProbe.start(askSide);
        }
        Instant since = judge.failingSince();
        boolean hung = judge.hung(last.at());
        if (process == null) {
            if (hung && !judgedHung) {
                LOG.warnf("upstream judged hung: its probe failed (%s) for %s; /lifeguard/upstream/live answers 503", last.cause().code(),
                        Durations.elapsed(Duration.between(since, last.at())));
            } else if (!hung && judgedHung) {
                LOG.infof("upstream no longer hung: /lifeguard/upstream/live answers 200");
            }
            judgedHung = hung;
            return Optional.empty();
        }
        Optional<Decision> partly = partlyHung(last, process, since != null && hung);
        if (partly.isPresent()) {
            return partly;
        }
        if (since == null) {
            windowStart = null;
            judgedHung = false;
            reported = false;
            return Optional.empty();
        }
        if (!since.equals(windowStart)) {
            windowStart = since;
            atWindowStart = ProcSnapshot.of(process.pid()).orElse(null);
            heldAtWindowStart = port.isPresent() ? Sockets.held(process.handle(), port.getAsInt()) : Set.of();
            reported = false;
        }
        if (!hung || reported) {
            return Optional.empty();
        }
        reported = true;
        judgedHung = true;
        HangEvidence evidence = HangEvidence.gather(process.handle(), atWindowStart, threadDump, process.stdout());
        List<String> lines = new ArrayList<>(evidence.lines());
        int ended = 0;
        if (port.isPresent()) {
            Set<Long> gone = new HashSet<>(heldAtWindowStart);
            gone.removeAll(Sockets.held(process.handle(), port.getAsInt()));
            ended = gone.size();
            lines.add("connections on port " + port.getAsInt() + ": " + heldAtWindowStart.size() + " held when it stopped answering, "
                    + ended + " of them finished with since");
        }
        String failing = Durations.elapsed(Duration.between(since, last.at()));
        // Refused, reset or closed at once is no wait: the process is not asleep or busy, it turns every probe away.
        boolean turnedAway = !HangJudge.HANG_LIKE.contains(last.cause());
        String why = turnedAway
                ? "process " + process.pid() + " is alive but has served nothing for " + failing + ": every probe ended in " + last.cause().code()
                        + " on a port it served before"
                : "process " + process.pid() + " is " + evidence.kind() + " and has not answered for " + failing + " (last probe: "
                        + last.cause().code() + ")";
        Hang hang = new Hang(process.pid(), why, List.copyOf(lines), evidence.threadDump(), since, turnedAway || evidence.definite());
        if (!hang.definite() && sideProbe.answeredSince(since).isEmpty() && sideProbe.outstanding()) {
            LOG.infof("upstream has not answered for %s; its side probe (allowed %s) will tell slow from hung", Durations.elapsed(
                    Duration.between(since, last.at())), Durations.exact(sideProbe.timeout()));
            pending = hang;
            pendingFor = process;
            return Optional.empty();
        }
        return Optional.of(decide(hang));
    }

    /**
     * Follows the connections the process was left holding by clients that gave up (a failed probe starts it, and
     * it goes on while there are any); once one is kept past {@link #stuckAfter}, while the process is not hung as
     * a whole, it is partly hung: once per process.
     */
    private Optional<Decision> partlyHung(ProbeResult last, ChildProcess process, boolean wholeHang) {
        if (port.isEmpty() || stuckReported || last.ok() && !stuck.following()) {
            return Optional.empty();
        }
        stuck.observe(process.handle(), port.getAsInt(), last.at());
        int kept = stuck.keptFor(stuckAfter, last.at());
        if (kept == 0 || wholeHang) {
            return Optional.empty();
        }
        stuckReported = true;
        judgedHung = true;
        HangEvidence evidence = HangEvidence.gather(process.handle(), null, threadDump, process.stdout());
        List<String> lines = new ArrayList<>(evidence.lines());
        lines.add("connections on port " + port.getAsInt() + ": " + kept + " kept open for over " + Durations.exact(stuckAfter)
                + " after their clients gave up (CLOSE_WAIT), never answered nor closed");
        String why = "process " + process.pid() + " answers some requests but has kept " + kept + " unfinished for over "
                + Durations.exact(stuckAfter) + " after their clients gave up: some of its workers are stuck (last probe: "
                + last.cause().code() + ")";
        return Optional.of(new Stuck(new Hang(process.pid(), why, List.copyOf(lines), evidence.threadDump(), last.at().minus(stuckAfter), false)));
    }

    /** The side probe came back; decides a hang that waited for it. Supervisor thread. */
    Optional<Decision> sideAnswered(ChildProcess process, Optional<SlowProbe.Answer> answer) {
        Hang waiting = pending;
        if (waiting == null || pendingFor != process) {
            return Optional.empty();
        }
        pending = null;
        pendingFor = null;
        return Optional.of(decide(waiting));
    }

    private Decision decide(Hang hang) {
        Optional<SlowProbe.Answer> answer = sideProbe.answeredSince(hang.since());
        // Only an answer proves slow: a connection can end without one (its client gave up, the server reaped it idle).
        if (hang.definite() || answer.isEmpty()) {
            judgedHung = true;
            return new Hung(hang);
        }
        if (!answer.get().slowerThan(probeTimeout)) {
            // Answered at full speed while every probe timed out: some requests are served, the rest hang.
            judgedHung = true;
            String why = "process " + hang.pid() + " answers some requests at once (" + answer.get().describe(sideProbe.timeout(), probeTimeout)
                    + ") while its probes have not been answered for " + Durations.elapsed(Duration.between(hang.since(), clock.instant()))
                    + ": some of its workers are stuck";
            return new Stuck(new Hang(hang.pid(), why, hang.evidence(), hang.threadDump(), hang.since(), false));
        }
        judgedHung = false;
        String why = "process " + hang.pid() + " answers, slowly: " + answer.get().describe(sideProbe.timeout(), probeTimeout)
                + "; not one answer within the check's timeout for "
                + Durations.elapsed(Duration.between(hang.since(), clock.instant()));
        return new Slow(hang, why);
    }
}
