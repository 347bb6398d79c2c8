package dev.lifeguard.diagnose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code /proc/<pid>} says of a process at one moment: its scheduler state, CPU time, threads, open files and
 * resident memory. Immutable; empty where {@code /proc} is not there (not Linux) or the process is gone.
 *
 * @param state R running, S sleeping, D uninterruptible I/O, T stopped, Z zombie
 * @param cpuNanos user + system time, as the JDK reads it for the process; -1 when unknown
 * @param openFiles -1 when not readable
 * @param maxOpenFiles the soft limit, -1 when unlimited or unknown
 * @param runDelays by thread, the time it spent runnable but waiting for a core ({@code schedstat}); empty when unknown
 */
public record ProcSnapshot(long pid, char state, long cpuNanos, int threads, int openFiles, long maxOpenFiles, long rssKb,
        long takenNanos, Map<Long, Long> runDelays) {

    public ProcSnapshot {
        runDelays = Map.copyOf(runDelays);
    }

    /** Only the scheduler state letter (one small read), or empty when unknown. */
    public static Optional<Character> state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Optional.of(stat.charAt(stat.lastIndexOf(')') + 2));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The kernel function a sleeping process waits in ({@code /proc/<pid>/wchan}), or empty when the kernel does not say. */
    public static Optional<String> wchan(long pid) {
        try {
            String wchan = Files.readString(Path.of("/proc", Long.toString(pid), "wchan")).strip();
            return wchan.isEmpty() || wchan.equals("0") ? Optional.empty() : Optional.of(wchan);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A process's open files and their limit ({@code ulimit -n}). Immutable. */
    public record OpenFiles(long pid, int open, long max) {
    }

    /** Only the open files and their limit: two small reads, where {@link #of} reads a file for every thread as well. */
    public static Optional<OpenFiles> openFiles(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid));
        int open = openFiles(dir);
        return open < 0 ? Optional.empty() : Optional.of(new OpenFiles(pid, open, maxOpenFiles(dir)));
    }

    public static Optional<ProcSnapshot> of(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"));
            // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            char state = f[0].charAt(0);
            long cpu = ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
            int threads = Integer.parseInt(f[17]);
            return Optional.of(new ProcSnapshot(pid, state, cpu, threads, openFiles(dir), maxOpenFiles(dir), rssKb(dir), System.nanoTime(),
                    runDelays(dir)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Each thread's wait for a core: the second field of {@code /proc/<pid>/task/<tid>/schedstat}. */
    private static Map<Long, Long> runDelays(Path dir) {
        Map<Long, Long> delays = new HashMap<>();
        try (Stream<Path> tasks = Files.list(dir.resolve("task"))) {
            tasks.forEach(task -> {
                try {
                    String[] f = Files.readString(task.resolve("schedstat")).strip().split(" ");
                    delays.put(Long.parseLong(task.getFileName().toString()), Long.parseLong(f[1]));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return delays;
    }

    private static int openFiles(Path dir) {
        try (Stream<Path> fds = Files.list(dir.resolve("fd"))) {
            return (int) fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long maxOpenFiles(Path dir) {
        try (Stream<String> lines = Files.lines(dir.resolve("limits"))) {
            return lines.filter(l -> l.startsWith("Max open files")).findFirst()
                    .map(l -> l.substring("Max open files".length()).strip().split("\\s+")[0])
                    .filter(s -> s.chars().allMatch(Character::isDigit)).map(Long::parseLong).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long rssKb(Path dir) {
        try (Stream<String> lines = Files.lines(dir.resolve("status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.substring(6).strip().split("\\s+")[0])).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public boolean stopped() {
        return stopped(state);
    }

    public static boolean stopped(char state) {
        return state == 'T' || state == 't';
    }

    /** The state letter as words. */
    public String stateName() {
        return stateName(state);
    }

    public static String stateName(char state) {
        return switch (state) {
            case 'R' -> "running (R)";
            case 'S' -> "sleeping (S)";
            case 'D' -> "in uninterruptible I/O (D)";
            case 'T' -> "stopped by a signal (T)";
            case 't' -> "stopped by a debugger (t)";
            case 'Z' -> "a zombie (Z)";
            default -> "in state " + state;
        };
    }

    /**
     * Time its threads spent runnable but waiting for a core between an earlier snapshot and this one, as a share of
     * one core (threads in both only); -1 when unknown. With the CPU it got, what it wanted: a busy process on a loaded
     * machine gets little CPU and waits much.
     */
    public double waitShareSince(ProcSnapshot earlier) {
        long elapsed = takenNanos - earlier.takenNanos;
        if (runDelays.isEmpty() || earlier.runDelays.isEmpty() || elapsed <= 0) {
            return -1;
        }
        long waited = 0;
        for (Map.Entry<Long, Long> now : runDelays.entrySet()) {
            Long then = earlier.runDelays.get(now.getKey());
            if (then != null) {
                waited += Math.max(0, now.getValue() - then);
            }
        }
        return waited / (double) elapsed;
    }

    /** CPU use between an earlier snapshot and this one, as a share of one core; -1 when unknown. */
    public double cpuShareSince(ProcSnapshot earlier) {
        long elapsed = takenNanos - earlier.takenNanos;
        if (cpuNanos < 0 || earlier.cpuNanos < 0) {
            return -1;
        }
        return elapsed <= 0 ? 0 : (cpuNanos - earlier.cpuNanos) / (double) elapsed;
    }
}
