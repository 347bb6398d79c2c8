package dev.lifeguard.probe;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Drops Vert.x's ERROR line for an HTTP/2 connection whose server answered with no SETTINGS frame (an HTTP/1 server
 * behind a grpc:// URL): Vert.x logs it before it hands out the connection, so no handler of the probe can take it, and
 * the probe reports it already, as protocol_mismatch, once per transition rather than once per probe. Stateless.
 */
@LoggingFilter(name = "probe-noise")
public final class ProbeLogFilter implements Filter {

    static final String CATEGORY = "io.vertx.core.net.impl.ConnectionBase";

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        return !(CATEGORY.equals(record.getLoggerName()) && message != null && message.startsWith("First received frame was not SETTINGS"));
    }
}
