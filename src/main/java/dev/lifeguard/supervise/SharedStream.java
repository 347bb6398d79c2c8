package dev.lifeguard.supervise;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Lifeguard's own stdout or stderr as a channel for the child's output, written through the same {@link PrintStream}
 * the console log handler writes to, so each write holds that stream's lock: a log line waits for the child's whole
 * lines to be written instead of landing inside one. Writing to a pipe directly, a write the reader was slow to take
 * went out in pieces, and a log line between two pieces split the child's line. Not thread-safe: one pump each.
 */
final class SharedStream implements WritableByteChannel {

    private final PrintStream stream;
    private final byte[] copy = new byte[OutputPump.CHUNK];

    SharedStream(PrintStream stream) {
        this.stream = stream;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int written = 0;
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), copy.length);
            src.get(copy, 0, n);
            stream.write(copy, 0, n);
            written += n;
        }
        stream.flush();
        // A PrintStream keeps its errors to itself: a destination that is gone is asked for.
        if (stream.checkError()) {
            throw new IOException("Lifeguard's own output is closed");
        }
        return written;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
