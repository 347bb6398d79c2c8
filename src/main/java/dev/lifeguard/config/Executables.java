package dev.lifeguard.config;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

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

    private static boolean executableFile(Path path) {
        return Files.isExecutable(path) && !Files.isDirectory(path);
    }
}
