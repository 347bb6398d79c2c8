package dev.lifeguard.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * A unique environment variable given to a command: every process the command starts inherits it, whatever it does
 * to its process group (setsid) or its parent (exit), so {@code /proc/<pid>/environ} finds them all. Needs no
 * privileges, no cgroup and no JNI. Only processes that replace their environment escape it. Immutable.
 */
public final class ProcessTag {

    /** Outside Lifeguard's own {@code LIFEGUARD_*} settings. */
    static final String VARIABLE = "_LIFEGUARD_TAG";
    /** The kernel's flag for its own threads, in {@code /proc/<pid>/stat}. */
    private static final long PF_KTHREAD = 0x00200000;
    private static final int EXEC_LOOKS = 20;
    private static final long EXEC_PAUSE_NANOS = 1_000_000;
    private static final int KILL_ROUNDS = 3;

    private final String value;
    private final String entry;

    private ProcessTag(String value) {
        this.value = value;
        this.entry = "\0" + VARIABLE + "=" + value + "\0";
    }

    /** A new tag, unique to this Lifeguard and this use. */
    public static ProcessTag create(String use) {
        return new ProcessTag(use + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
    }

    /** Gives the tag to the command {@code builder} starts, and so to everything that command starts. */
    public ProcessBuilder applyTo(ProcessBuilder builder) {
        builder.environment().put(VARIABLE, value);
        return builder;
    }

    /** The live processes that carry the tag, read from {@code /proc}; empty where there is none. */
    public List<ProcessHandle> members() {
        List<ProcessHandle> found = new ArrayList<>();
        List<Path> inExec = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> isPid(p.getFileName().toString()))) {
            for (Path dir : proc) {
                if (Long.parseLong(dir.getFileName().toString()) != self) {
                    switch (look(dir)) {
                        case CARRIES -> add(dir, found);
                        case IN_EXEC -> inExec.add(dir);
                        case OTHER -> { }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc here: only the process tree can be used
        }
        // Look again for up to 20 ms: exec's window is far shorter, so what still shows no whole environment is not exec'ing.
        for (int again = 0; again < EXEC_LOOKS && !inExec.isEmpty(); again++) {
            LockSupport.parkNanos(EXEC_PAUSE_NANOS);
            inExec.removeIf(dir -> switch (look(dir)) {
                case CARRIES -> add(dir, found);
                case IN_EXEC -> false;
                case OTHER -> true;
            });
        }
        return found;
    }

    /**
     * SIGKILLs every live process that carries the tag, and again those a member forked before it died; returns their
     * PIDs.
     */
    public List<Long> killAll() {
        Set<Long> killed = new LinkedHashSet<>();
        for (int round = 0; round < KILL_ROUNDS; round++) {
            boolean more = false;
            for (ProcessHandle p : members()) {
                more |= p.destroyForcibly() && killed.add(p.pid());
            }
            if (!more) {
                break;
            }
        }
        return List.copyOf(killed);
    }

    /** What {@code /proc/<pid>} shows of the tag. */
    private enum Sight { CARRIES, OTHER, IN_EXEC }

    private Sight look(Path dir) {
        String environ = read(dir.resolve("environ"));
        if (environ == null) {
            return Sight.OTHER; // gone, or not ours to read
        }
        // NUL-separated entries: match a whole one.
        if (("\0" + environ).contains(entry)) {
            return Sight.CARRIES;
        }
        // A whole environment ends with its last entry's NUL; during exec the kernel shows none, or a piece.
        return environ.endsWith("\0") || !alive(dir) ? Sight.OTHER : Sight.IN_EXEC;
    }

    /** Neither a zombie nor a kernel thread, which also show no environment: {@code stat}'s state and flags. */
    private static boolean alive(Path dir) {
        String stat = read(dir.resolve("stat"));
        if (stat == null || stat.lastIndexOf(')') < 0) {
            return false;
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 1).strip().split(" ");
        try {
            return fields.length > 6 && !fields[0].equals("Z") && !fields[0].equals("X")
                    && (Long.parseLong(fields[6]) & PF_KTHREAD) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean add(Path dir, List<ProcessHandle> found) {
        ProcessHandle.of(Long.parseLong(dir.getFileName().toString())).ifPresent(found::add);
        return true;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static boolean isPid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
