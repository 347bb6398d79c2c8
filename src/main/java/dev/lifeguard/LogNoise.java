package dev.lifeguard;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Drops two lines of the libraries beneath that tell an operator nothing Lifeguard does not say better. Stateless.
 * <ul>
 * <li>Vert.x's ERROR for an HTTP/2 connection whose server answered with no SETTINGS frame (an HTTP/1 server behind a
 * grpc:// URL): logged before the connection is handed out, so no handler of the probe can take it; the probe reports
 * it already, as protocol_mismatch, once per transition rather than once per probe.</li>
 * <li>Netty's WARN, with a stack trace, for a connection accepted while Lifeguard stops (Vert.x's event loops are
 * closed, so it cannot be registered): the client sees its connection closed, as it would a moment later.</li>
 * </ul>
 */
@LoggingFilter(name = "noise")
public final class LogNoise implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        if (message == null) {
            return true;
        }
        String logger = record.getLoggerName();
        if ("io.vertx.core.net.impl.ConnectionBase".equals(logger)) {
            return !message.startsWith("First received frame was not SETTINGS");
        }
        if ("io.netty.bootstrap.ServerBootstrap".equals(logger)) {
            return !(message.startsWith("Failed to register an accepted channel") && record.getThrown() instanceof IllegalStateException);
        }
        return true;
    }
}
