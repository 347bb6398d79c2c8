package dev.lifeguard.probe;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;

/**
 * Asks a port whether it speaks HTTP/2 with prior knowledge (h2c, as gRPC servers do): sends HTTP/2's client preface
 * and an empty SETTINGS frame on a connection of its own, and reads whether the first frame back is the server's
 * SETTINGS. For explaining an HTTP/1 probe that failed, never for probing. Stateless.
 */
final class Http2Preface {

    private static final byte SETTINGS = 0x4;
    private static final Buffer PREFACE = Buffer.buffer("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
            // An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
            .appendBytes(new byte[] { 0, 0, 0, SETTINGS, 0, 0, 0, 0, 0 });

    private Http2Preface() {
    }

    /** True when the port answers the preface with a SETTINGS frame; false on anything else, a close or an error. */
    static Future<Boolean> answered(NetClient client, SocketAddress address) {
        Promise<Boolean> answer = Promise.promise();
        client.connect(address).onComplete(c -> {
            if (c.failed()) {
                answer.tryComplete(false);
                return;
            }
            var socket = c.result();
            Buffer head = Buffer.buffer();
            socket.handler(chunk -> {
                head.appendBuffer(chunk);
                if (head.length() >= 9) {
                    // A frame header: 24-bit length, type, flags, then the stream (0 for SETTINGS).
                    answer.tryComplete(head.getByte(3) == SETTINGS && (head.getInt(5) & 0x7fffffff) == 0);
                    socket.close();
                }
            });
            socket.closeHandler(v -> answer.tryComplete(false));
            socket.exceptionHandler(e -> answer.tryComplete(false));
            socket.write(PREFACE);
        });
        return answer.future();
    }
}
