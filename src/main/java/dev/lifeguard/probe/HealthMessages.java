package dev.lifeguard.probe;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;

/**
 * The two messages of {@code grpc.health.v1.Health/Check}, in protobuf's wire format, each in gRPC's length-prefixed
 * frame: {@code HealthCheckRequest { string service = 1; }} and {@code HealthCheckResponse { ServingStatus status = 1; }}.
 * Written by hand: these two fields are all a health check needs, and protobuf's runtime would cost start-up. Stateless.
 */
final class HealthMessages {

    /** {@code ServingStatus}: UNKNOWN 0, SERVING 1, NOT_SERVING 2, SERVICE_UNKNOWN 3 (Watch only). */
    static final int UNKNOWN = 0;
    static final int SERVING = 1;
    static final int NOT_SERVING = 2;
    static final int SERVICE_UNKNOWN = 3;

    /** The largest answer read: a HealthCheckResponse is a few bytes, anything much larger is not one. */
    static final int MAX_FRAME = 4096;

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_I64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_I32 = 5;

    private HealthMessages() {
    }

    /** The request for {@code service} ("" for the server as a whole), framed: not compressed, 4-byte length, message. */
    static Buffer request(String service) {
        Buffer message = Buffer.buffer();
        if (!service.isEmpty()) {
            // Field 1, wire type 2 (length-delimited); proto3 leaves a default (empty) field out.
            byte[] utf8 = service.getBytes(StandardCharsets.UTF_8);
            message.appendByte((byte) (1 << 3 | WIRE_LEN));
            varint(message, utf8.length);
            message.appendBytes(utf8);
        }
        return Buffer.buffer(5 + message.length()).appendByte((byte) 0).appendInt(message.length()).appendBuffer(message);
    }

    /** The message of the one frame in {@code body}; a malformed, compressed or missing frame is refused. */
    static Buffer message(Buffer body) {
        if (body.length() < 5) {
            throw new IllegalArgumentException("the answer holds no gRPC message (" + body.length() + " bytes)");
        }
        if (body.getByte(0) != 0) {
            throw new IllegalArgumentException("the answer is compressed, though Lifeguard asked for none");
        }
        long length = body.getUnsignedInt(1);
        if (length != body.length() - 5) {
            throw new IllegalArgumentException("the answer's frame says " + length + " bytes but " + (body.length() - 5) + " came");
        }
        return body.slice(5, body.length());
    }

    /** The {@code status} field of a HealthCheckResponse (UNKNOWN when absent); other fields are skipped. */
    static int status(Buffer message) {
        int status = UNKNOWN;
        int[] at = { 0 };
        while (at[0] < message.length()) {
            long tag = varint(message, at);
            int field = (int) (tag >>> 3);
            switch ((int) (tag & 7)) {
                case WIRE_VARINT -> {
                    long value = varint(message, at);
                    if (field == 1) {
                        status = (int) value;
                    }
                }
                case WIRE_I64 -> at[0] += 8;
                case WIRE_LEN -> {
                    // Not at[0] += varint(...): Java would read at[0] before the varint moves it.
                    long length = varint(message, at);
                    at[0] += (int) Math.min(length, message.length());
                }
                case WIRE_I32 -> at[0] += 4;
                default -> throw new IllegalArgumentException("the answer is not a HealthCheckResponse (wire type " + (tag & 7) + ")");
            }
        }
        if (at[0] > message.length()) {
            throw new IllegalArgumentException("the answer is not a HealthCheckResponse (truncated)");
        }
        return status;
    }

    static String statusName(int status) {
        return switch (status) {
            case UNKNOWN -> "UNKNOWN";
            case SERVING -> "SERVING";
            case NOT_SERVING -> "NOT_SERVING";
            case SERVICE_UNKNOWN -> "SERVICE_UNKNOWN";
            default -> "status " + status;
        };
    }

    private static void varint(Buffer out, int value) {
        while ((value & ~0x7F) != 0) {
            out.appendByte((byte) (value & 0x7F | 0x80));
            value >>>= 7;
        }
        out.appendByte((byte) value);
    }

    private static long varint(Buffer in, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= in.length()) {
                throw new IllegalArgumentException("the answer is not a HealthCheckResponse (truncated varint)");
            }
            byte b = in.getByte(at[0]++);
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("the answer is not a HealthCheckResponse (varint too long)");
    }
}
