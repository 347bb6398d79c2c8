package dev.lifeguard.supervise;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.lifeguard.diagnose.ProcSnapshot;

/**
 * What a hung process looks like before it is killed: its /proc state over the hang window, named as blocked, busy,
 * stuck in I/O, stopped, frozen or out of file descriptors, and for a JVM a thread dump (deadlocks named). Immutable.
 *
 * @param kind how the process is hung, in words
 * @param lines the evidence, one fact a line
 * @param threadDump the JVM's thread dump, empty when none was taken: the process's own output, shown only to operators
 */
record HangEvidence(String kind, List<String> lines, List<String> threadDump) {

    /** Whether the evidence alone says hung: stopped, deadlocked, stuck in I/O or out of descriptors, never merely slow. */
    boolean definite() {
        return kind.startsWith("stopped") || kind.startsWith("frozen") || kind.startsWith("deadlocked") || kind.startsWith("stuck")
                || kind.startsWith("out of");
    }

    private static final long DUMP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    /**
     * Gathers the evidence; blocks up to two seconds while a JVM prints its thread dump.
     *
     * @param atStart the snapshot taken when the probe started failing, or null
     * @param stdout the process's output when Lifeguard reads it (its own child), or null
     */
    static HangEvidence gather(ProcessHandle process, ProcSnapshot atStart, boolean threadDump, LineTail stdout) {
        List<String> lines = new ArrayList<>();
        List<String> dumped = new ArrayList<>();
        Optional<ProcSnapshot> now = ProcSnapshot.of(process.pid());
        String kind = now.map(p -> describe(p, atStart, lines)).orElse("not answering");
        if (threadDump && isJvm(process)) {
            if (now.map(ProcSnapshot::stopped).orElse(false)) {
                lines.add("thread dump: not asked for: a stopped JVM cannot answer SIGQUIT");
            } else if (stdout == null) {
                Signals.send("QUIT", process, false);
                lines.add("thread dump: requested with SIGQUIT; the JVM wrote it to its own output (kubectl logs)");
            } else {
                List<String> dump = threadDump(process, stdout);
                if (dump.stream().anyMatch(l -> l.contains("Found one Java-level deadlock") || l.contains("Found 1 deadlock"))) {
                    kind = "deadlocked (the JVM found a Java-level deadlock)";
                }
                lines.add("thread dump: " + (dump.isEmpty() ? "none arrived within 2s of SIGQUIT" : dump.size() + " lines"));
                dumped.addAll(dump);
            }
        }
        return new HangEvidence(kind, List.copyOf(lines), List.copyOf(dumped));
    }

    private static String describe(ProcSnapshot now, ProcSnapshot start, List<String> lines) {
        lines.add("state: " + now.stateName());
        double cpu = start == null ? -1 : now.cpuShareSince(start);
        if (cpu >= 0) {
            lines.add(String.format("cpu: %.0f%% of a core over the hang window", cpu * 100));
        }
        lines.add("threads: " + now.threads());
        lines.add("open files: " + now.openFiles() + (now.maxOpenFiles() > 0 ? " of " + now.maxOpenFiles() : ""));
        lines.add("resident memory: " + now.rssKb() / 1024 + " MiB");
        if (now.stopped()) {
            return "stopped (state T: SIGSTOP or a debugger)";
        }
        if (now.state() == 'D' || now.state() == 'S') {
            ProcSnapshot.wchan(now.pid()).ifPresent(w -> lines.add("waiting in: " + w + " (kernel function, /proc/" + now.pid() + "/wchan)"));
        }
        if (now.state() == 'D') {
            Optional<Freezer.Frozen> frozen = Freezer.frozen(now.pid());
            if (frozen.isPresent()) {
                lines.add("cgroup freezer: " + frozen.get().path() + " is frozen");
                return "frozen (its cgroup is frozen: docker pause, or the cgroup freezer)";
            }
            return "stuck in uninterruptible I/O (state D)";
        }
        if (now.maxOpenFiles() > 0 && now.openFiles() >= now.maxOpenFiles() - 1) {
            return "out of file descriptors (" + now.openFiles() + " open, limit " + now.maxOpenFiles() + ")";
        }
        // A blocked process uses next to no CPU; a busy loop a whole core, less what a loaded machine leaves it.
        if (cpu >= 0.5 || now.state() == 'R') {
            return "busy (burning CPU without answering: a busy loop or overload)";
        }
        return "blocked (asleep without answering: a deadlock or a wait on something that never comes)";
    }

    private static boolean isJvm(ProcessHandle process) {
        return process.info().command().map(cmd -> cmd.endsWith("/java") || cmd.equals("java")).orElse(false);
    }

    /** Sends SIGQUIT and collects the dump the JVM prints on its stdout, once it has stopped growing. */
    private static List<String> threadDump(ProcessHandle process, LineTail stdout) {
        long mark = stdout.position();
        if (!Signals.send("QUIT", process, false)) {
            return List.of();
        }
        long deadline = System.nanoTime() + DUMP_WAIT_NANOS;
        long lastSize = -1;
        while (System.nanoTime() < deadline) {
            long size = stdout.position() - mark;
            boolean started = stdout.since(mark).stream().anyMatch(l -> l.startsWith("Full thread dump"));
            if (started && size == lastSize) {
                break;
            }
            lastSize = size;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return stdout.since(mark);
    }
}
