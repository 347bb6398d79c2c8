package dev.lifeguard.supervise;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of a byte stream, kept as raw bytes in a ring and split into lines only when asked: feeding it is a memory
 * copy, so a child writing at full speed is not slowed. Keeps at most {@code capacity} bytes; lines are cut at
 * {@value #MAX_LINE} bytes. Positions are byte offsets in the whole stream, so a reader can ask for what came after a
 * point (a thread dump after SIGQUIT). Thread-safe.
 */
public final class LineTail {

    static final int MAX_LINE = 4096;

    private final byte[] ring;
    private long written;

    public LineTail(int capacity) {
        this.ring = new byte[capacity];
    }

    /** Feeds bytes as they arrive; called by one pump thread. */
    public synchronized void accept(byte[] buffer, int offset, int length) {
        if (length > ring.length) {
            int skip = length - ring.length;
            offset += skip;
            length = ring.length;
            written += skip;
        }
        int at = (int) (written % ring.length);
        int first = Math.min(length, ring.length - at);
        System.arraycopy(buffer, offset, ring, at, first);
        System.arraycopy(buffer, offset + first, ring, 0, length - first);
        written += length;
    }

    /** The stream's length so far: the position the next byte will have. */
    public synchronized long position() {
        return written;
    }

    /** The last {@code count} complete or partial lines kept. */
    public List<String> last(int count) {
        List<String> all = since(0);
        return all.subList(Math.max(0, all.size() - count), all.size());
    }

    /** The kept lines that start at or after {@code from}; a line cut off by the ring's start is left out. */
    public synchronized List<String> since(long from) {
        long kept = Math.min(written, ring.length);
        long start = Math.max(from, written - kept);
        List<String> lines = new ArrayList<>();
        // Once the ring has wrapped, its first line has probably lost its beginning: leave it out.
        boolean cut = start == written - kept && written > ring.length;
        long lineStart = start;
        for (long p = start; p < written; p++) {
            if (byteAt(p) == '\n') {
                if (!cut) {
                    lines.add(text(lineStart, p));
                }
                cut = false;
                lineStart = p + 1;
            }
        }
        if (lineStart < written && !cut) {
            lines.add(text(lineStart, written));
        }
        return lines;
    }

    private byte byteAt(long position) {
        return ring[(int) (position % ring.length)];
    }

    private String text(long from, long to) {
        long end = to > from && byteAt(to - 1) == '\r' ? to - 1 : to;
        int length = (int) Math.min(end - from, MAX_LINE);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = byteAt(from + i);
        }
        return new String(bytes, StandardCharsets.UTF_8) + (end - from > MAX_LINE ? "…" : "");
    }
}
