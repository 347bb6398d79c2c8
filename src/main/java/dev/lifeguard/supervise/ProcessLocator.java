package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** Finds the upstream's process in a shared PID namespace: by a pidfile, or by its command line. Thread-safe. */
final class ProcessLocator {

    private ProcessLocator() {
    }

    static Optional<ProcessHandle> byPidfile(Path pidfile) {
        try {
            long pid = Long.parseLong(Files.readString(pidfile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The lowest-numbered live process, other than Lifeguard and its children, whose command line contains a match. */
    static Optional<ProcessHandle> byCommandLine(Pattern pattern) {
        ProcessHandle self = ProcessHandle.current();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self.pid() && p.parent().map(parent -> parent.pid() != self.pid()).orElse(true))
                .filter(p -> commandLine(p.pid()).map(cmd -> pattern.matcher(cmd).find()).orElse(false))
                .min((a, b) -> Long.compare(a.pid(), b.pid()));
    }

    /** {@code /proc/<pid>/cmdline} with its arguments joined by spaces. */
    static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String cmd = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return cmd.isEmpty() ? Optional.empty() : Optional.of(cmd);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
