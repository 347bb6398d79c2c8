package dev.lifeguard.diagnose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lifeguard.config.Executables;

/**
 * The files a command runs, as they were when it started: its program and every argument that names a regular file
 * (a jar, a script, a configuration file), each with its last modification. Two starts whose files differ ran
 * something new: a deploy, a changed configuration. Immutable.
 */
public final class CommandFiles {

    private static final int MOST = 32;

    private final Map<Path, FileTime> files;

    private CommandFiles(Map<Path, FileTime> files) {
        this.files = files;
    }

    public static CommandFiles of(List<String> command) {
        Map<Path, FileTime> files = new LinkedHashMap<>();
        for (int i = 0; i < command.size() && files.size() < MOST; i++) {
            String arg = command.get(i);
            Optional<Path> file = i == 0 ? Executables.resolve(arg) : Optional.of(arg).filter(a -> !a.startsWith("-")).map(Path::of);
            file.filter(Files::isRegularFile).ifPresent(f -> modified(f).ifPresent(t -> files.put(f.toAbsolutePath().normalize(), t)));
        }
        return new CommandFiles(Map.copyOf(files));
    }

    /** What differs from {@code before}, one line a file; empty when nothing does. */
    public List<String> changedSince(CommandFiles before) {
        List<String> changed = new ArrayList<>();
        files.forEach((path, time) -> {
            FileTime was = before.files.get(path);
            if (was == null) {
                changed.add(path + " is new");
            } else if (!was.equals(time)) {
                changed.add(path + " was modified at " + time);
            }
        });
        return changed;
    }

    private static Optional<FileTime> modified(Path file) {
        try {
            return Optional.of(Files.getLastModifiedTime(file));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
