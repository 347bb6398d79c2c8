package dev.lifeguard.config;

import java.util.List;

/**
 * Where HAProxy's Runtime API listens and which of its servers are this Lifeguard's upstream. Immutable.
 *
 * @param socket a unix socket's path, or null for TCP
 * @param host the TCP host, or null for a unix socket
 * @param servers {@code backend/server} names, at least one
 */
public record HaproxyTarget(String socket, String host, int port, List<Server> servers) {

    /** One server of one backend. */
    public record Server(String backend, String name) {
        @Override
        public String toString() {
            return backend + "/" + name;
        }
    }

    public String describe() {
        return socket != null ? socket : host + ":" + port;
    }
}
