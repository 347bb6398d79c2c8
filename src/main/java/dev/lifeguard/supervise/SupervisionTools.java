package dev.lifeguard.supervise;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Executables;

/**
 * The system tools supervision uses, and what each costs when it is missing: said once, at start-up, with the fix.
 * Stateless.
 */
final class SupervisionTools {

    private static final Logger LOG = Logger.getLogger(SupervisionTools.class);

    private SupervisionTools() {
    }

    /**
     * setsid puts the child in its own process group (signals reach its descendants too); setpriv --pdeathsig makes
     * the kernel send it SIGTERM if Lifeguard dies, even by SIGKILL. Both come with util-linux; without them the
     * child is signalled alone and outlives a SIGKILLed Lifeguard.
     */
    static List<String> launcher() {
        List<String> prefix = new ArrayList<>();
        if (Executables.runnable("setsid")) {
            prefix.add("setsid");
        } else {
            LOG.warn("setsid (util-linux) is missing: the child shares Lifeguard's process group, so signals reach it alone, not "
                    + "its descendants; install util-linux to fix this");
        }
        if (Executables.runnable("setpriv")) {
            prefix.addAll(List.of("setpriv", "--pdeathsig", "TERM", "--"));
        } else {
            LOG.warn("setpriv (util-linux) is missing: the child will outlive Lifeguard if Lifeguard is SIGKILLed; install "
                    + "util-linux to fix this");
        }
        if (!Executables.runnable("mkfifo")) {
            LOG.warn("mkfifo (coreutils) is missing: the child's output goes through Java's process pipes, which slow a child "
                    + "that writes flat out by about a third; install coreutils to fix this");
        }
        warnWithoutKill();
        return prefix;
    }

    static void warnWithoutKill() {
        if (!Executables.runnable("kill")) {
            LOG.warn("kill (procps) is missing: Lifeguard can send TERM and KILL only to the process itself, and cannot "
                    + "resume a stopped one (CONT) or ask a JVM for a thread dump (QUIT); install procps to fix this");
        }
    }
}
