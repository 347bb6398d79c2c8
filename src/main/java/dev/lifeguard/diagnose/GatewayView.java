package dev.lifeguard.diagnose;

import dev.lifeguard.probe.Cause;

/** What users behind a reverse proxy or load balancer see while the service fails this way, if it still gets traffic. */
public final class GatewayView {

    private GatewayView() {
    }

    public static String of(String code) {
        Cause cause = Cause.of(code);
        if (cause == null) {
            return "503 Service Unavailable where no other server is in rotation";
        }
        return switch (cause) {
            case CONNECTION_REFUSED, CONNECTION_RESET, CONNECTION_CLOSED, INVALID_RESPONSE, PROTOCOL_MISMATCH, TLS_HANDSHAKE, DNS_FAILURE,
                    EXITED, CRASHED, GONE, KILLED, OOM_KILLED, WRONG_PORT, HOST_UNREACHABLE ->
                "502 Bad Gateway: the gateway could not get an answer from it (retried elsewhere where the gateway retries)";
            case CONNECT_TIMEOUT, RESPONSE_TIMEOUT, STOPPED, HUNG, SLOW ->
                "504 Gateway Timeout, or very slow answers, once the gateway's own timeout passes";
            case BAD_STATUS -> "its own error status (e.g. 500), passed through by the gateway";
            case BODY_MISMATCH -> "answers that look fine to a gateway but lack what the check expects";
            case NOT_SERVING -> "gRPC UNAVAILABLE (HTTP 503) where the gateway follows the health service; otherwise the server's own errors";
            case SERVICE_UNKNOWN, GRPC_UNIMPLEMENTED -> "whatever the server answers: the health check cannot tell (no such health service to ask)";
            case CRASH_LOOP -> "502 Bad Gateway while it was up, then 503 Service Unavailable where no other server is left";
            case FLAPPING -> "502s or 504s now and then: some requests fail, most pass";
            default -> "503 Service Unavailable where no other server is in rotation";
        };
    }
}
