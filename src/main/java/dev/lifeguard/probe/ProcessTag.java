package dev.lifeguard.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A unique environment variable given to a command: every process the command starts inherits it, whatever it does
 * to its process group (setsid) or its parent (exit), so {@code /proc/<pid>/environ} finds them all. Needs no
 * privileges, no cgroup and no JNI. Only processes that replace their environment escape it. Immutable.
 */
public final class ProcessTag {

    /** Outside Lifeguard's own {@code LIFEGUARD_*} settings. */
    static final String VARIABLE = "_LIFEGUARD_TAG";

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
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> isPid(p.getFileName().toString()))) {
            for (Path dir : proc) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (pid != self && carries(dir.resolve("environ"))) {
                    ProcessHandle.of(pid).ifPresent(found::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc here: only the process tree can be used
        }
        return found;
    }

    /** SIGKILLs every live process that carries the tag; returns their PIDs. */
    public List<Long> killAll() {
        List<Long> killed = new ArrayList<>();
        for (ProcessHandle p : members()) {
            if (p.destroyForcibly()) {
                killed.add(p.pid());
            }
        }
        return killed;
    }

    private boolean carries(Path environ) {
        try {
            // NUL-separated entries: match a whole one.
            return ("\0" + Files.readString(environ, StandardCharsets.ISO_8859_1) + "\0").contains(entry);
        } catch (IOException | SecurityException e) {
            return false; // gone, or not ours to read
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
