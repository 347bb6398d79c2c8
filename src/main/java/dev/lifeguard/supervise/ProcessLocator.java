package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

/**
 * Finds the upstream's process in a shared PID namespace: by a pidfile (verified by {@code match} when both are set),
 * or by its command line. Why a pidfile's process was not adopted is logged once per reason. {@link #find} is called
 * from the supervisor thread only; the static helpers are thread-safe.
 */
final class ProcessLocator {

    private static final Logger LOG = Logger.getLogger(ProcessLocator.class);

    private final Optional<Path> pidfile;
    private final Optional<Pattern> match;
    private String lastRefusal;

    ProcessLocator(Optional<Path> pidfile, Optional<Pattern> match) {
        this.pidfile = pidfile;
        this.match = match;
    }

    /** The upstream's live process, if one is found now. */
    Optional<ProcessHandle> find() {
        return pidfile.isPresent() ? byPidfile(pidfile.get(), match, this::refused) : byCommandLine(match.orElseThrow());
    }

    private void refused(String why) {
        if (!why.equals(lastRefusal)) {
            lastRefusal = why;
            LOG.warn(why);
        }
    }

    /**
     * The live process a pidfile names, unless it is Lifeguard itself or, with {@code match}, a process whose command
     * line does not match (a stale pidfile whose PID was reused); {@code refused} is told why.
     */
    static Optional<ProcessHandle> byPidfile(Path pidfile, Optional<Pattern> match, Consumer<String> refused) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidfile).strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        if (pid == ProcessHandle.current().pid()) {
            refused.accept("The pidfile " + pidfile + " names Lifeguard itself (" + pid + "): not adopted; point lifeguard.process.pidfile at the upstream's");
            return Optional.empty();
        }
        Optional<ProcessHandle> found = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (found.isPresent() && match.isPresent() && !commandLine(pid).map(cmd -> match.get().matcher(cmd).find()).orElse(false)) {
            refused.accept("The pidfile " + pidfile + " names process " + pid + ", whose command line does not match '" + match.get()
                    + "' (a stale pidfile, its PID reused?): not adopted");
            return Optional.empty();
        }
        return found;
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
