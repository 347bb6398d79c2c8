package dev.lifeguard.supervise;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Durations;
import dev.lifeguard.probe.ProbeResult;

/**
 * Decides from the upstream's probes, and {@code /proc} where the process is seen, whether it is answering or hung;
 * when a process it sees is hung, gathers the evidence for stopping it. Fed on the supervisor thread;
 * {@link #judgedHung()} may be read from any.
 */
final class HangDetector {

    private static final Logger LOG = Logger.getLogger(HangDetector.class);

    /** A hung process: why, in one line, the facts, and its thread dump if one was taken. Immutable. */
    record Hang(String why, List<String> evidence, List<String> threadDump) {
    }

    private final HangJudge judge;
    private final boolean threadDump;
    private volatile boolean judgedHung;
    /** When the current hang window began, and the process as it was then. */
    private Instant windowStart;
    private ProcSnapshot atWindowStart;

    HangDetector(Duration hangAfter, boolean threadDump) {
        this.judge = new HangJudge(hangAfter);
        this.threadDump = threadDump;
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
    }

    /**
     * Observes one probe of the upstream.
     *
     * @param process the upstream's process when it is seen alive, else null: then a hang is only judged and logged
     * @return the hang, once a seen process has failed like a hang for the whole window
     */
    Optional<Hang> observe(ProbeResult last, ChildProcess process) {
        judge.observe(last, process != null);
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
        if (since == null) {
            windowStart = null;
            judgedHung = false;
            return Optional.empty();
        }
        if (!since.equals(windowStart)) {
            windowStart = since;
            atWindowStart = ProcSnapshot.of(process.pid()).orElse(null);
        }
        if (!hung) {
            return Optional.empty();
        }
        judgedHung = true;
        HangEvidence evidence = HangEvidence.gather(process.handle(), atWindowStart, threadDump, process.stdout());
        String why = "process " + process.pid() + " is " + evidence.kind() + " and has not answered for "
                + Durations.elapsed(Duration.between(since, last.at())) + " (last probe: " + last.cause().code() + ")";
        LOG.warnf("[hung] %s; evidence:%n  %s", why, String.join(System.lineSeparator() + "  ", evidence.lines()));
        return Optional.of(new Hang(why, evidence.lines(), evidence.threadDump()));
    }
}
