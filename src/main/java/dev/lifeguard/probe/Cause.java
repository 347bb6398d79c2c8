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
    /** The network rejected the connection: no route to the host (ICMP unreachable, a REJECT rule, a host that is gone). */
    HOST_UNREACHABLE("host_unreachable", "The network rejected the connection: there is no route to the host.",
            "The host is down or not on this network, or a firewall rejects the connection (REJECT, not DROP): check the address, routes, security groups and network policies."),
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
    BAD_STATUS("bad_status", "The service answered with an unexpected HTTP status (or gRPC status).",
            "Read the service's logs for the failing request; 5xx is the service's own error, 404 usually a wrong health path; a gRPC status such as PERMISSION_DENIED means the health service needs other credentials."),
    /** The body does not contain the expected text. */
    BODY_MISMATCH("body_mismatch", "The service's response body does not contain the expected text.",
            "The service answers but reports itself unhealthy or is a different service: check its health page and the expected text."),
    /** A gRPC health check answered NOT_SERVING (or UNKNOWN, or UNAVAILABLE): the server says it cannot serve. */
    NOT_SERVING("not_serving", "The service's gRPC health check answered that it is not serving.",
            "The server itself reports not serving (starting, shutting down, or a dependency it checks is down): read its logs and what sets its health status."),
    /** The gRPC health service does not know the service named in the URL (NOT_FOUND, SERVICE_UNKNOWN). */
    SERVICE_UNKNOWN("service_unknown", "The server's gRPC health service does not know the service named in the URL.",
            "Check the ?service= name in the URL (the full name, e.g. my.package.MyService) against the names the server registers with its health service; leave it out to check the server as a whole."),
    /** The gRPC server has no health service (UNIMPLEMENTED). */
    GRPC_UNIMPLEMENTED("grpc_unimplemented", "The gRPC server answers, but has no health service (grpc.health.v1.Health/Check is unimplemented).",
            "Register the standard health service in the server (grpc-java: HealthStatusManager's getHealthService(); grpc-go: health.NewServer() with healthpb.RegisterHealthServer; Vert.x: HealthService), as Kubernetes' grpc probe and grpc-health-probe need too; or probe the port with tcp://."),
    /** The port speaks another protocol than the probe: plain HTTP where the URL says https, HTTP/1 where it says grpc, HTTP/2 only where it says http. */
    PROTOCOL_MISMATCH("protocol_mismatch", "The service speaks another protocol on this port than the probe expects.",
            "Make the URL's scheme match the port: http:// for a plain HTTP port, https:// for a TLS one, grpc:// (grpcs:// with TLS) for a gRPC server."),
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
    /** The wrapped process exited with status 0 while it was expected to serve. */
    EXITED("exited", "The service's process exited (status 0) although it should keep serving.",
            "Check why the service stopped by itself: its last log lines are in the evidence."),
    /** The wrapped process exited with a non-zero status. */
    CRASHED("crashed", "The service's process exited with a failure status.",
            "Read its last log lines in the evidence: a startup error, a missing file or setting, an uncaught exception."),
    /** A process Lifeguard found but did not start (sidecar mode) ended; only its parent knows how. */
    GONE("gone", "The service's process ended; Lifeguard is not its parent, so its exit status is unknown here.",
            "Read the container's last state: kubectl describe pod (Last State: Terminated, Reason, Exit Code)."),
    /** The wrapped process was killed by a signal. */
    KILLED("killed", "The service's process was killed by a signal.",
            "SIGKILL without OOM evidence means someone or something killed it; SIGSEGV or SIGABRT a crash in native code."),
    /** The kernel's OOM killer killed the wrapped process. */
    OOM_KILLED("oom_killed", "The service's process was killed by the kernel's out-of-memory killer.",
            "Raise the container's memory limit or lower the service's heap/cache sizes; check for a leak."),
    /** The wrapped process is stopped (SIGSTOP, state T): alive, but it cannot answer. */
    STOPPED("stopped", "The service's process is stopped (state T, e.g. SIGSTOP or a debugger) and cannot answer.",
            "Resume it with kill -CONT and its PID, or let Lifeguard restart it when the hang timer fires."),
    /** The process runs and listens, but not where the probe connects: another port, or another address. */
    WRONG_PORT("wrong_port", "The service runs, but does not listen where the probe connects.",
            "Point lifeguard.upstream.url at the port it listens on, or give the service back its port (a changed configuration? its log says where it listens)."),
    /** The service answers, but later than the probe's timeout: a longer side probe got an answer. */
    SLOW("slow", "The service answers, but later than the probe's timeout.",
            "Find what makes it slow (load, a slow dependency, GC pauses, too few workers); it stays out of rotation, and if it is still slow after hang-after Lifeguard restarts it once its requests in flight have ended (lifeguard.restart.on-slow)."),
    /** The wrapped process is alive but has not answered for the hang window. */
    HUNG("hung", "The service's process stopped answering for the whole hang window: it was judged hung.",
            "Read the evidence (process state, CPU use, threads, thread dump): a deadlock, a busy loop or blocked I/O."),
    /** An operator asked for a restart through the admin endpoint. */
    RESTART_REQUESTED("restart_requested", "An operator asked for a restart.", "Nothing to do: the service restarts at once."),
    /** Restarts exceeded the budget; Lifeguard stopped restarting. */
    CRASH_LOOP("crash_loop", "The service keeps failing: the restart budget is spent and Lifeguard stopped restarting it.",
            "Fix the cause shown in the restart history, then restart Lifeguard, or POST /lifeguard/admin/restart where an admin token is set (without one it answers 403)."),
    /** Probes fail now and then: too many in the recent window, or the check keeps leaving and rejoining rotation. */
    FLAPPING("flapping", "The service fails now and then: too many probes failed in the recent window, or it keeps leaving and rejoining rotation.",
            "Look for what fails intermittently (a saturated pool, a crashing worker, a flaky dependency, half its threads stuck); each flap makes it pass more probes in a row before it is ready again."),
    /** A planned stop is under way: load balancers are being told to send no new requests. Not a failure. */
    DRAINING("draining", "Lifeguard is draining the service before it stops: load balancers must send it no new requests.",
            "Nothing to do: a planned stop (a deploy, SIGTERM, an operator's drain); requests already sent are still served."),
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

    /** The cause with this code, or null (e.g. {@code starting}, which is a state, not a cause). */
    public static Cause of(String code) {
        for (Cause c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        return null;
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
