package dev.lifeguard.probe;

/** Where a network probe is; what a timeout or an I/O error means depends on it. */
enum Phase {
    RESOLVING,
    CONNECTING,
    AWAITING_RESPONSE,
    READING_BODY;

    /** What running out of time in this phase means. */
    Cause timeoutCause() {
        return switch (this) {
            case RESOLVING -> Cause.DNS_FAILURE;
            case CONNECTING -> Cause.CONNECT_TIMEOUT;
            case AWAITING_RESPONSE, READING_BODY -> Cause.RESPONSE_TIMEOUT;
        };
    }
}
