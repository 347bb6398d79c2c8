package dev.lifeguard.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** What one check probes: an HTTP(S) URL, a gRPC server's health service, a TCP port, or a command. Immutable. */
public sealed interface Target {

    /** A short form for logs and reports, e.g. {@code GET http://127.0.0.1:8080/health}, with secrets masked ({@link Redaction}). */
    String describe();

    record Http(URI uri, Optional<String> hostHeader, StatusRanges expectStatus, Optional<String> expectBody,
            Optional<String> caFile, boolean skipVerify) implements Target {

        public boolean https() {
            return "https".equals(uri.getScheme());
        }

        public int port() {
            return uri.getPort() != -1 ? uri.getPort() : https() ? 443 : 80;
        }

        /** The path and query to request, never empty. */
        public String pathAndQuery() {
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        }

        @Override
        public String describe() {
            return "GET " + Redaction.url(uri.toString());
        }
    }

    /**
     * The standard gRPC health service, {@code grpc.health.v1.Health/Check}, at {@code grpc://host:port} (HTTP/2 in
     * clear text, prior knowledge) or {@code grpcs://host:port} (TLS).
     *
     * @param service the service to ask about ({@code ?service=} in the URL); empty asks about the server as a whole
     */
    record Grpc(URI uri, String host, int port, boolean tls, String service, Optional<String> caFile, boolean skipVerify) implements Target {

        @Override
        public String describe() {
            return "grpc.health.v1.Health/Check " + Redaction.url(uri.toString());
        }
    }

    record Tcp(String host, int port) implements Target {
        @Override
        public String describe() {
            return "tcp://" + host + ":" + port;
        }
    }

    record Exec(List<String> argv) implements Target {
        public Exec {
            argv = List.copyOf(argv);
        }

        @Override
        public String describe() {
            return "exec " + Redaction.commandLine(argv);
        }
    }
}
