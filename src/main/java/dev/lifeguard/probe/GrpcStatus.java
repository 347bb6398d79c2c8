package dev.lifeguard.probe;

/** gRPC's status codes, as a health check reads them: which {@link Cause} each is, and its name. Stateless. */
final class GrpcStatus {

    private static final String[] NAMES = { "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED" };

    static final int DEADLINE_EXCEEDED = 4;
    static final int NOT_FOUND = 5;
    static final int UNIMPLEMENTED = 12;
    static final int UNAVAILABLE = 14;

    private GrpcStatus() {
    }

    static Cause cause(int status) {
        return switch (status) {
            // The health service answers NOT_FOUND for a service it does not know.
            case NOT_FOUND -> Cause.SERVICE_UNKNOWN;
            // No health service registered: the server does not know the method.
            case UNIMPLEMENTED -> Cause.GRPC_UNIMPLEMENTED;
            // The server's own deadline (ours, sent as grpc-timeout) passed.
            case DEADLINE_EXCEEDED -> Cause.RESPONSE_TIMEOUT;
            // Shutting down, or a proxy in front with no ready backend.
            case UNAVAILABLE -> Cause.NOT_SERVING;
            default -> Cause.BAD_STATUS;
        };
    }

    static String name(int status) {
        return status >= 0 && status < NAMES.length ? NAMES[status] : "status " + status;
    }

    /** One line of evidence: the status, its message, and for the health check's own answers what they mean. */
    static String describe(Cause cause, int status, String message, String service) {
        String said = "gRPC status " + name(status) + " (" + status + ")" + (message == null || message.isEmpty() ? "" : ": " + message);
        return switch (cause) {
            case SERVICE_UNKNOWN -> said + "; the health service does not know service '" + service + "'";
            case GRPC_UNIMPLEMENTED -> said + "; the server has no grpc.health.v1.Health service";
            default -> said;
        };
    }
}
