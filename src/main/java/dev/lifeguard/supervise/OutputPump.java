package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Copies one of the child's output streams to Lifeguard's own, byte for byte and in order, on its own thread so the
 * child never waits on anything but the destination. Reads into a small ring of direct buffers, each filled before
 * the next is taken, and the last of them form the {@link LineTail}: keeping the evidence copies nothing. Writes whole
 * lines only, so Lifeguard's own log lines never land inside one of the child's: a partial line waits for its newline
 * (or for the buffer to fill, or the end of the stream).
 */
final class OutputPump implements Runnable {

    static final int CHUNK = 64 * 1024;
    /** Chunks kept as evidence: four of up to 64 KiB, a few thousand lines or a thread dump of a busy JVM. */
    static final int TAIL_CHUNKS = 4;
    /** A buffer with less room than this is done with: the next read goes to the next buffer. */
    private static final int MIN_ROOM = 8 * 1024;
    /** How far back a newline is looked for at a time (in bulk: byte-wise reads of direct memory are slow). */
    private static final int SCAN = 512;

    private final ReadableByteChannel from;
    private final WritableByteChannel to;
    private final LineTail tail;
    private final byte[] scan = new byte[SCAN];
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
        // One buffer more than the tail keeps: the one a read goes to next is never part of it.
        ByteBuffer[] ring = new ByteBuffer[TAIL_CHUNKS + 1];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = ByteBuffer.allocateDirect(CHUNK);
        }
        int current = 0;
        int flushed = 0;
        try (from) {
            while (from.read(ring[current]) != -1) {
                ByteBuffer buffer = ring[current];
                int end = buffer.position();
                int lineEnd = lastNewline(buffer, flushed, end) + 1;
                // Whole lines; a line longer than the whole buffer goes out as it is.
                int upTo = lineEnd > flushed ? lineEnd : end == CHUNK ? end : flushed;
                if (upTo > flushed) {
                    write(buffer, flushed, upTo);
                    flushed = upTo;
                    tail.publish(buffer, flushed);
                }
                if (CHUNK - end < MIN_ROOM) {
                    int next = (current + 1) % ring.length;
                    ring[next].clear().put(0, buffer, flushed, end - flushed).position(end - flushed);
                    current = next;
                    flushed = 0;
                }
            }
        } catch (IOException e) {
            // the pipe closed under us: the child is gone
        } finally {
            int end = ring[current].position();
            write(ring[current], flushed, end);
            tail.publish(ring[current], end);
        }
    }

    /** The index of the last newline in [from, to), or from - 1. */
    private int lastNewline(ByteBuffer buffer, int from, int to) {
        for (int stop = to; stop > from; stop -= SCAN) {
            int start = Math.max(from, stop - SCAN);
            buffer.get(start, scan, 0, stop - start);
            for (int i = stop - start - 1; i >= 0; i--) {
                if (scan[i] == '\n') {
                    return start + i;
                }
            }
        }
        return from - 1;
    }

    /** Writes to Lifeguard's output; if that is gone, keeps draining the child anyway so that it never blocks. */
    private void write(ByteBuffer buffer, int from, int to) {
        if (broken || to <= from) {
            return;
        }
        ByteBuffer out = buffer.duplicate().limit(to).position(from);
        try {
            while (out.hasRemaining()) {
                this.to.write(out);
            }
        } catch (IOException e) {
            broken = true;
        }
    }
}
