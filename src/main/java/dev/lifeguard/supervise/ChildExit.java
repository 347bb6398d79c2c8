package dev.lifeguard.supervise;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.lifeguard.config.Durations;
import dev.lifeguard.probe.Cause;

/**
 * How the child ended, with the evidence. Immutable.
 *
 * @param status the status as a shell reports it: the exit code, or 128 + the signal's number
 * @param oom the OOM kills counted in its cgroups during its life, with the limit and peak where they were counted
 * @param answered whether the upstream had answered since it started: a death before means during start-up
 * @param stoppedFor why Lifeguard itself stopped the child ({@link Cause#HUNG}, {@link Cause#RESTART_REQUESTED}), or null
 *     when it ended on its own
 * @param stopReason the details of that decision, or null
 */
public record ChildExit(long pid, int status, Instant at, Duration ran, OomKills oom, boolean answered, Cause stoppedFor, String stopReason,
        List<String> lastStdout, List<String> lastStderr) {

    public ChildExit {
        lastStdout = List.copyOf(lastStdout);
        lastStderr = List.copyOf(lastStderr);
    }

    /** The signal that ended it, or 0: Java reports a death by signal as 128 + its number. */
    public int signal() {
        return status > 128 && status < 128 + 65 ? status - 128 : 0;
    }

    public boolean clean() {
        return status == 0;
    }

    public Cause cause() {
        if (stoppedFor != null) {
            return stoppedFor;
        }
        if (status == 0) {
            return Cause.EXITED;
        }
        if (signal() == 9 && oom.count() > 0) {
            return Cause.OOM_KILLED;
        }
        return signal() != 0 ? Cause.KILLED : Cause.CRASHED;
    }

    /** One line: how it ended and what the evidence says. */
    public String describe() {
        String how;
        if (status == 0) {
            how = "exited with status 0";
        } else if (status == 127) {
            how = "exited with status 127 (command not found)";
        } else if (status == 126) {
            how = "exited with status 126 (command not executable)";
        } else if (signal() != 0) {
            how = "was killed by " + Signals.name(signal()) + " (status " + status + ")";
        } else {
            how = "exited with status " + status;
        }
        String oomKill = oom.count() > 0 ? "; the cgroup's oom_kill count rose by " + oom.count() + ": the kernel's OOM killer took it "
                + oom.where() : signal() == 9 && oom.count() < 0 ? "; whether it was the OOM killer is unknown (no cgroup OOM count readable)" : "";
        if (stopReason != null) {
            return "process " + pid + " was stopped by Lifeguard after running " + Durations.elapsed(ran) + " ("
                    + (signal() != 0 ? Signals.name(signal()) : "exit status " + status) + "): " + stopReason;
        }
        return "process " + pid + " " + how + " after running " + Durations.elapsed(ran) + (answered ? "" : ", before it ever answered")
                + oomKill;
    }

    /** What to do, with what the exit says: an OOM kill during start-up asks for more memory, one after long service for a look at a leak. */
    public String advice() {
        Cause cause = cause();
        if (cause != Cause.OOM_KILLED) {
            return cause.advice();
        }
        String limit = oom.limit().isPresent() ? " (now " + OomKills.mib(oom.limit().getAsLong()) + ")" : "";
        return answered ? "It served for " + Durations.elapsed(ran) + " before it ran out of memory: look for a leak (its memory use over time, a heap "
                + "dump), or raise the memory limit" + limit + " if its working set grew; its last lines are in the output."
                : "It ran out of memory during start-up: its working set does not fit. Raise the memory limit" + limit
                        + " or lower its heap and cache sizes (-Xmx, worker counts).";
    }
}
