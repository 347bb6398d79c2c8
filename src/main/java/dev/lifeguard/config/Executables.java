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
        return resolve(program).isPresent();
    }

    /** The file {@code program} runs: itself where it names a path, else the first match on the PATH. */
    public static Optional<Path> resolve(String program) {
        if (program.contains("/")) {
            return Optional.of(Path.of(program)).filter(Executables::executableFile);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (executableFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
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
