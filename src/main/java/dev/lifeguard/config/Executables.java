package dev.lifeguard.config;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Whether a program can be run without a shell: a path to an executable file, or a name found on the PATH. */
public final class Executables {

    private Executables() {
    }

    public static boolean runnable(String program) {
        if (program.contains("/")) {
            return executableFile(Path.of(program));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (executableFile(Path.of(dir.isEmpty() ? "." : dir, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why {@code program} cannot be run, with the status a shell would give: 127 when it is not found, 126 when it is
     * found but not executable; empty when it can be run.
     */
    public static Optional<Unrunnable> unrunnable(String program) {
        if (runnable(program)) {
            return Optional.empty();
        }
        Path path = Path.of(program);
        if (program.contains("/") && Files.exists(path)) {
            return Optional.of(new Unrunnable(126, "'" + program + "' is " + (Files.isDirectory(path) ? "a directory" : "not executable")
                    + " (exit status 126); chmod +x it or name the program that runs it"));
        }
        return Optional.of(new Unrunnable(127, "'" + program + "' is not found" + (program.contains("/") ? "" : " on the PATH")
                + " (exit status 127); install it, fix the name, or give its absolute path"));
    }

    /** A program that cannot be run: the shell's status for it and why. */
    public record Unrunnable(int status, String reason) {
    }

    private static boolean executableFile(Path path) {
        return Files.isExecutable(path) && !Files.isDirectory(path);
    }
}
