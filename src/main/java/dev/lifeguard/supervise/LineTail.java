package dev.lifeguard.supervise;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The end of a byte stream, kept as the last few chunks the {@link OutputPump} read, by reference: feeding it copies
 * nothing, so a child writing at full speed is not slowed. Split into lines only when asked; lines are cut at
 * {@value #MAX_LINE} bytes. Positions are byte offsets in the whole stream, so a reader can ask for what came after a
 * point (a thread dump after SIGQUIT). Thread-safe.
 */
public final class LineTail {

    static final int MAX_LINE = 4096;

    /** A published chunk: the caller does not touch {@code bytes} again until it is evicted. */
    private record Chunk(ByteBuffer bytes, int length, long start) {
    }

    private final int capacity;
    private final Deque<Chunk> chunks = new ArrayDeque<>();
    private long written;
    private boolean evicted;

    /** Keeps the last {@code capacity} chunks. */
    public LineTail(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Makes the buffer's bytes from index 0 to {@code length} the newest part of the stream: the same buffer as the
     * last call's grows that chunk, another one starts a new chunk. Once {@code capacity} more chunks have been
     * started, the oldest is dropped and its buffer is the caller's again.
     */
    public synchronized void publish(ByteBuffer bytes, int length) {
        Chunk newest = chunks.peekLast();
        if (newest != null && newest.bytes() == bytes) {
            chunks.removeLast();
            written = newest.start();
        } else if (length == 0) {
            return;
        }
        if (chunks.size() == capacity) {
            chunks.removeFirst();
            evicted = true;
        }
        chunks.addLast(new Chunk(bytes, length, written));
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

    /** The kept lines that start at or after {@code from}; a line whose start was dropped is left out. */
    public synchronized List<String> since(long from) {
        List<String> lines = new ArrayList<>();
        if (chunks.isEmpty()) {
            return lines;
        }
        long first = chunks.peekFirst().start();
        long start = Math.max(from, first);
        boolean cut = start == first && evicted;
        byte[] flat = flatten(first);
        int lineStart = (int) (start - first);
        for (int i = lineStart; i < flat.length; i++) {
            if (flat[i] == '\n') {
                if (!cut) {
                    lines.add(text(flat, lineStart, i));
                }
                cut = false;
                lineStart = i + 1;
            }
        }
        if (lineStart < flat.length && !cut) {
            lines.add(text(flat, lineStart, flat.length));
        }
        return lines;
    }

    private byte[] flatten(long first) {
        byte[] flat = new byte[(int) (written - first)];
        for (Chunk c : chunks) {
            c.bytes().get(0, flat, (int) (c.start() - first), c.length());
        }
        return flat;
    }

    private static String text(byte[] flat, int from, int to) {
        int end = to > from && flat[to - 1] == '\r' ? to - 1 : to;
        int length = Math.min(end - from, MAX_LINE);
        return new String(flat, from, length, StandardCharsets.UTF_8) + (end - from > MAX_LINE ? "…" : "");
    }
}
