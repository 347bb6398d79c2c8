package dev.lifeguard.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;

import javax.net.ssl.SSLException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Turns the exception that ended a network probe into a {@link Cause}, by type and phase, and by message only where
 * the JDK has no type (an unreachable network).
 */
final class FailureClassifier {

    private FailureClassifier() {
    }

    static Cause classify(Throwable failure, Phase phase) {
        // The name did not resolve: reported by our resolver or by Netty's.
        if (find(failure, UnknownHostException.class) != null) {
            return Cause.DNS_FAILURE;
        }
        // Plain text answered our TLS hello: Netty names the record that is not TLS.
        if (find(failure, NotSslRecordException.class) != null) {
            return Cause.PROTOCOL_MISMATCH;
        }
        // Any other TLS failure: an untrusted or wrong certificate, a protocol or cipher the server refuses.
        if (find(failure, SSLException.class) != null) {
            return Cause.TLS_HANDSHAKE;
        }
        // Netty's connect timeout is a ConnectException too, so it comes first.
        if (find(failure, ConnectTimeoutException.class) != null) {
            return Cause.CONNECT_TIMEOUT;
        }
        // EHOSTUNREACH, ENETUNREACH: the network said no (an ICMP unreachable, a route of that type).
        if (find(failure, NoRouteToHostException.class) != null || unreachable(failure)) {
            return Cause.HOST_UNREACHABLE;
        }
        // ECONNREFUSED: a RST answered our SYN.
        if (find(failure, ConnectException.class) != null) {
            return Cause.CONNECTION_REFUSED;
        }
        // Vert.x saw a FIN before the response was complete.
        if (find(failure, HttpClosedException.class) != null) {
            return Cause.CONNECTION_CLOSED;
        }
        // An HTTP/2 stream whose connection closed: Vert.x fails it with one shared exception.
        if (closedConnection(failure)) {
            return Cause.CONNECTION_CLOSED;
        }
        // An I/O error on an established connection is the peer's RST (ECONNRESET, EPIPE).
        if (phase != Phase.CONNECTING && phase != Phase.RESOLVING && find(failure, IOException.class) != null) {
            return Cause.CONNECTION_RESET;
        }
        // While waiting for or reading the response, anything else is the HTTP decoder refusing the bytes.
        if (phase == Phase.AWAITING_RESPONSE || phase == Phase.READING_BODY) {
            return Cause.INVALID_RESPONSE;
        }
        return Cause.UNEXPECTED;
    }

    private static boolean closedConnection(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t == ConnectionBase.CLOSED_EXCEPTION) {
                return true;
            }
        }
        return false;
    }

    /** "Network is unreachable" has no exception type of its own: a SocketException (not a refusal) says so in its message. */
    private static boolean unreachable(Throwable failure) {
        SocketException e = find(failure, SocketException.class);
        return e != null && !(e instanceof ConnectException) && e.getMessage() != null && e.getMessage().contains("unreachable");
    }

    /** The first throwable of the given type along the cause chain, or null. */
    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * Evidence for a failure of {@code cause}: for an answer that is not HTTP, what the decoder saw, in words (it
     * reaches load balancers' stats pages); otherwise the innermost exception's type and message.
     */
    static String describe(Cause cause, Throwable failure) {
        if (cause == Cause.PROTOCOL_MISMATCH) {
            return "the port answered a TLS handshake in plain text" + (plainHttp(failure) ? " (HTTP): use http://" : "");
        }
        if (cause == Cause.INVALID_RESPONSE) {
            Throwable root = root(failure);
            return "the answer is not HTTP" + (root.getMessage() == null ? "" : " (" + root.getMessage() + ")");
        }
        return describe(failure);
    }

    /** Whether the record Netty refused begins with {@code HTTP/}: its message gives the record in hexadecimal. */
    private static boolean plainHttp(Throwable failure) {
        String message = String.valueOf(find(failure, NotSslRecordException.class).getMessage());
        return message.toLowerCase(java.util.Locale.ROOT).contains("485454502f");
    }

    private static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The innermost exception's type and message, as evidence. */
    static String describe(Throwable failure) {
        Throwable root = root(failure);
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
