package dev.lifeguard.lb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.lifeguard.config.HaproxyTarget;

/**
 * One command to HAProxy's Runtime API per connection, bounded in time and size, so that a missing, slow or
 * restarting HAProxy costs at most {@link #TIMEOUT} of one background thread. Stateless apart from the address.
 */
final class RuntimeApi {

    static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** The longest answer read; {@code show servers state} of a large backend fits. */
    private static final int MAX_ANSWER = 1 << 20;

    private final HaproxyTarget target;

    RuntimeApi(HaproxyTarget target) {
        this.target = target;
    }

    /** Sends {@code command} and returns HAProxy's whole answer (empty for a command that succeeded silently). */
    String send(String command) throws IOException {
        boolean unix = target.socket() != null;
        SocketAddress address = unix ? UnixDomainSocketAddress.of(target.socket()) : new InetSocketAddress(target.host(), target.port());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Selector selector = Selector.open();
                SocketChannel ch = unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open()) {
            ch.configureBlocking(false);
            SelectionKey key = ch.register(selector, 0);
            if (!ch.connect(address)) {
                await(selector, key, SelectionKey.OP_CONNECT, deadline, "connecting");
                ch.finishConnect();
            }
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) {
                    await(selector, key, SelectionKey.OP_WRITE, deadline, "sending");
                }
            }
            ByteBuffer in = ByteBuffer.allocate(8192);
            StringBuilder answer = new StringBuilder();
            while (true) {
                int n = ch.read(in);
                if (n < 0) {
                    return answer.toString();
                }
                if (n == 0) {
                    await(selector, key, SelectionKey.OP_READ, deadline, "waiting for the answer");
                    continue;
                }
                in.flip();
                answer.append(StandardCharsets.US_ASCII.decode(in));
                in.clear();
                if (answer.length() > MAX_ANSWER) {
                    throw new IOException("the answer to '" + command + "' is longer than " + MAX_ANSWER + " bytes");
                }
            }
        }
    }

    private static void await(Selector selector, SelectionKey key, int op, long deadline, String what) throws IOException {
        key.interestOps(op);
        long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
        if (left <= 0 || selector.select(left) == 0) {
            throw new SocketTimeoutException("no progress " + what + " within " + TIMEOUT.toMillis() + " ms");
        }
        selector.selectedKeys().clear();
    }
}
