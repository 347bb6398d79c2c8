package dev.lifeguard.probe;

/**
 * Why a probe failed: one closed vocabulary, each with a stable lowercase code (metric label, JSON, HAProxy agent
 * text), a one-line explanation and what to do about it.
 */
public enum Cause {
    /** Not a failure: the upstream answered as expected. */
    OK("ok", "The service answered as expected.", "Nothing to do."),
    /** Nothing listens on the port: the kernel answered the SYN with a RST. */
    CONNECTION_REFUSED("connection_refused", "Nothing is listening on the port: the connection was refused.",
            "Check that the service is running and listens on the configured host and port."),
    /** The SYN went unanswered: a full listen backlog, a firewall dropping packets, or a host that is gone. */
    CONNECT_TIMEOUT("connect_timeout", "The service did not accept the connection in time (SYN unanswered).",
            "The service's listen backlog is full (it stopped accepting) or a firewall drops packets: check its accept loop, load and firewall rules."),
    /** Connected, but no response (or not all of it) within the timeout. */
    RESPONSE_TIMEOUT("response_timeout", "The service accepted the connection but did not answer in time.",
            "The service is hung or overloaded: check its threads, CPU, locks and slow dependencies; a gateway would answer 504."),
    /** The peer sent a TCP RST on an established connection. */
    CONNECTION_RESET("connection_reset", "The service reset the connection.",
            "The service crashed mid-request or aborted the socket: check its logs; a gateway would answer 502."),
    /** The peer closed the connection cleanly before a complete response. */
    CONNECTION_CLOSED("connection_closed", "The service closed the connection before sending a complete response.",
            "The service drops requests (a worker died, a keep-alive or request-size limit): check its logs; a gateway would answer 502."),
    /** Bytes came back, but not HTTP. */
    INVALID_RESPONSE("invalid_response", "The service's answer is not valid HTTP.",
            "Check that the port is the service's HTTP port (not TLS, gRPC or a database) and that the app writes proper responses; a gateway would answer 502."),
    /** A well-formed response with a status outside the accepted range. */
    BAD_STATUS("bad_status", "The service answered with an unexpected HTTP status.",
            "Read the service's logs for the failing request; 5xx is the service's own error, 404 usually a wrong health path."),
    /** The body does not contain the expected text. */
    BODY_MISMATCH("body_mismatch", "The service's response body does not contain the expected text.",
            "The service answers but reports itself unhealthy or is a different service: check its health page and the expected text."),
    /** TLS could not be established. */
    TLS_HANDSHAKE("tls_handshake", "The TLS handshake failed.",
            "Check that the port speaks TLS (plain HTTP behind an https URL fails this way), the certificate, its CA and its host name."),
    /** The upstream's host name does not resolve. */
    DNS_FAILURE("dns_failure", "The host name could not be resolved.",
            "Check the host name in the URL and the resolver configuration (/etc/resolv.conf, /etc/hosts)."),
    /** The exec probe's command exited non-zero. */
    EXEC_FAILED("exec_failed", "The check command exited with a failure status.",
            "Run the command by hand and read its output, shown in the evidence."),
    /** The exec probe's command did not finish within the timeout. */
    EXEC_TIMEOUT("exec_timeout", "The check command did not finish in time and was killed.",
            "The command or what it checks hangs: run it by hand, or raise the timeout if it is merely slow."),
    /** A failure none of the above describes; the evidence names the exception. */
    UNEXPECTED("unexpected", "The probe failed in an unexpected way.", "Read the evidence; please report it so Lifeguard can name it.");

    private final String code;
    private final String explanation;
    private final String advice;

    Cause(String code, String explanation, String advice) {
        this.code = code;
        this.explanation = explanation;
        this.advice = advice;
    }

    /** Stable lowercase code, used as metric label and in JSON. */
    public String code() {
        return code;
    }

    /** One line for a human: what happened. */
    public String explanation() {
        return explanation;
    }

    /** One line for a human: what to do. */
    public String advice() {
        return advice;
    }
}
