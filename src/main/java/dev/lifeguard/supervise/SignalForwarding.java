package dev.lifeguard.supervise;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import sun.misc.Signal;

/**
 * Forwards the signals an operator sends Lifeguard to the wrapped child's whole group, as tini and dumb-init do: a
 * reload (HUP), a log reopen (USR1), a terminal resize (WINCH). TERM and INT stop Lifeguard, which stops the child
 * gracefully; QUIT and USR2 belong to the JVM (thread dumps, its own use); KILL and STOP cannot be caught.
 */
final class SignalForwarding {

    private static final Logger LOG = Logger.getLogger(SignalForwarding.class);
    private static final List<String> FORWARDED = List.of("HUP", "USR1", "WINCH", "ALRM");

    private SignalForwarding() {
    }

    /**
     * Installs the handlers; returns the signals that could be taken over.
     *
     * @param forward sends the signal named to the child: on the supervisor thread, so that a signal arriving while the
     *     child is being started reaches it once it is
     */
    static List<String> install(Consumer<String> forward) {
        List<String> installed = new ArrayList<>();
        for (String name : FORWARDED) {
            try {
                Signal.handle(new Signal(name), s -> forward.accept(name));
                installed.add(name);
            } catch (IllegalArgumentException e) {
                LOG.debugf("SIG%s cannot be forwarded here: %s", name, e.getMessage());
            }
        }
        return installed;
    }
}
