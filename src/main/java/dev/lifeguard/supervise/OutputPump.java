package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Copies one of the child's output streams to Lifeguard's own, byte for byte and in order, on its own thread so the
 * child never waits on anything but the destination. Reads into a small ring of direct buffers whose last ones form
 * the {@link LineTail}, so neither the copy nor the evidence costs a copy in Java. Writes whole lines only, so
 * Lifeguard's own log lines never land inside one of the child's: a partial line waits for its newline (or for the
 * buffer to fill, or the end of the stream).
 */
final class OutputPump implements Runnable {

    static final int CHUNK = 64 * 1024;
    /** Chunks kept as evidence: four of 64 KiB, a few thousand lines or a thread dump of a busy JVM. */
    static final int TAIL_CHUNKS = 4;

    private final ReadableByteChannel from;
    private final WritableByteChannel to;
    private final LineTail tail;
    private boolean broken;

    OutputPump(ReadableByteChannel from, WritableByteChannel to, LineTail tail) {
        this.from = from;
        this.to = to;
        this.tail = tail;
    }

    /** A tail sized for this pump's buffers. */
    static LineTail newTail() {
        return new LineTail(TAIL_CHUNKS);
    }

    @Override
    public void run() {
        // One buffer more than the tail keeps: the one being filled is never part of it.
        ByteBuffer[] ring = new ByteBuffer[TAIL_CHUNKS + 1];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = ByteBuffer.allocateDirect(CHUNK);
        }
        int current = 0;
        try (from) {
            while (from.read(ring[current]) != -1) {
                ByteBuffer buffer = ring[current];
                int end = buffer.position();
                int lastNewline = end - 1;
                while (lastNewline >= 0 && buffer.get(lastNewline) != '\n') {
                    lastNewline--;
                }
                if (lastNewline < 0 && end < CHUNK) {
                    continue;
                }
                // Up to the last newline; a line longer than the whole buffer goes out as it is.
                int upTo = lastNewline >= 0 ? lastNewline + 1 : end;
                write(buffer, upTo);
                tail.publish(buffer, upTo);
                int next = (current + 1) % ring.length;
                ring[next].clear().put(0, buffer, upTo, end - upTo).position(end - upTo);
                current = next;
            }
        } catch (IOException e) {
            // the pipe closed under us: the child is gone
        } finally {
            int held = ring[current].position();
            write(ring[current], held);
            tail.publish(ring[current], held);
        }
    }

    /** Writes to Lifeguard's output; if that is gone, keeps draining the child anyway so that it never blocks. */
    private void write(ByteBuffer buffer, int length) {
        if (broken || length == 0) {
            return;
        }
        ByteBuffer out = buffer.duplicate().position(0).limit(length);
        try {
            while (out.hasRemaining()) {
                to.write(out);
            }
        } catch (IOException e) {
            broken = true;
        }
    }
}
