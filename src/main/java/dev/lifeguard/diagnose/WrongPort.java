package dev.lifeguard.diagnose;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Names a service that runs but does not listen where it is probed: on another port (a changed configuration), or on
 * the right port at an address the probe does not reach. Stateless.
 */
public final class WrongPort {

    private WrongPort() {
    }

    /**
     * Why connections to {@code host:port} are refused although {@code process} runs, from the TCP ports its tree
     * listens on; empty when it listens there (or on every address), or on nothing yet (still starting).
     *
     * @param host the probe's host as configured: a name, or an address
     */
    public static Optional<String> explain(ProcessHandle process, String host, int port) {
        List<Sockets.Listener> listening = Sockets.listening(process);
        if (listening.isEmpty() || listening.stream().anyMatch(l -> l.port() == port && l.reaches(host))) {
            return Optional.empty();
        }
        String where = listening.stream().map(Sockets.Listener::toString).distinct().sorted().collect(Collectors.joining(", "));
        boolean portRight = listening.stream().anyMatch(l -> l.port() == port);
        return Optional.of("process " + process.pid() + " listens on " + where + (portRight
                ? ", which " + host + " does not reach: the probe connects to " + host + ":" + port
                : ", not on port " + port + " where the probe connects"));
    }
}
