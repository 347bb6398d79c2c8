package dev.lifeguard.supervise;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last lines of a byte stream, bounded in count and in line length, each with a sequence number so a reader can
 * ask for what came after a point (a thread dump after SIGQUIT). Thread-safe.
 */
public final class LineTail {

    static final int MAX_LINE = 4096;

    /** A line and its position in the stream. */
    public record Line(long seq, String text) {
    }

    private final int capacity;
    private final Deque<Line> lines = new ArrayDeque<>();
    private final byte[] partial = new byte[MAX_LINE];
    private int partialLength;
    private boolean partialTruncated;
    private long next;

    public LineTail(int capacity) {
        this.capacity = capacity;
    }

    /** Feeds bytes as they arrive; called by one pump thread. */
    public synchronized void accept(byte[] buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                completeLine();
            } else if (partialLength < MAX_LINE) {
                partial[partialLength++] = b;
            } else {
                partialTruncated = true;
            }
        }
    }

    /** Ends a last line that had no newline. */
    public synchronized void flush() {
        if (partialLength > 0) {
            completeLine();
        }
    }

    private void completeLine() {
        int length = partialLength > 0 && partial[partialLength - 1] == '\r' ? partialLength - 1 : partialLength;
        String text = new String(partial, 0, length, StandardCharsets.UTF_8) + (partialTruncated ? "…" : "");
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(new Line(next++, text));
        partialLength = 0;
        partialTruncated = false;
    }

    /** The sequence number the next line will get. */
    public synchronized long position() {
        return next;
    }

    public synchronized List<String> last(int count) {
        List<String> out = new ArrayList<>();
        int skip = Math.max(0, lines.size() - count);
        for (Line l : lines) {
            if (skip-- <= 0) {
                out.add(l.text());
            }
        }
        return out;
    }

    /** The kept lines numbered {@code from} or later. */
    public synchronized List<String> since(long from) {
        List<String> out = new ArrayList<>();
        for (Line l : lines) {
            if (l.seq() >= from) {
                out.add(l.text());
            }
        }
        return out;
    }
}
