package dev.lifeguard.supervise;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends POSIX signals with the system's {@code kill}: Java can only send TERM and KILL itself, and Lifeguard needs
 * STOP/CONT/QUIT and signals to a whole process group. Thread-safe.
 */
final class Signals {

    private Signals() {
    }

    /** Signal names by number, as Linux numbers them on x86 and arm. */
    static String name(int signal) {
        return switch (signal) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 3 -> "SIGQUIT";
            case 4 -> "SIGILL";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 13 -> "SIGPIPE";
            case 14 -> "SIGALRM";
            case 15 -> "SIGTERM";
            case 19 -> "SIGSTOP";
            case 24 -> "SIGXCPU";
            case 25 -> "SIGXFSZ";
            default -> "signal " + signal;
        };
    }

    /**
     * Sends {@code signal} (a name without SIG, e.g. TERM) to the process, or to its whole group when it leads one.
     * Not when the PID names another process by now: the handle checks the process's start time just before.
     *
     * @return whether kill reported success
     */
    static boolean send(String signal, ProcessHandle process, boolean group) {
        if (!process.isAlive()) {
            return false;
        }
        long pid = process.pid();
        String target = group ? "-" + pid : Long.toString(pid);
        try {
            Process kill = new ProcessBuilder(List.of("kill", "-s", signal, "--", target))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
