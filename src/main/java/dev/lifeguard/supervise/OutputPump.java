package dev.lifeguard.supervise;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies one of the child's output streams to Lifeguard's own, byte for byte and in order, on its own thread so the
 * child never waits on anything but the destination; keeps the end of it in a {@link LineTail}. Writes whole lines
 * only, so Lifeguard's own log lines never land inside one of the child's: a partial line waits for its newline (or
 * for the buffer to fill, or the end of the stream).
 */
final class OutputPump implements Runnable {

    private static final int CHUNK = 64 * 1024;

    private final InputStream from;
    private final OutputStream to;
    private final LineTail tail;

    OutputPump(InputStream from, OutputStream to, LineTail tail) {
        this.from = from;
        this.to = to;
        this.tail = tail;
    }

    static Thread start(String name, InputStream from, OutputStream to, LineTail tail) {
        Thread t = new Thread(new OutputPump(from, to, tail), name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[CHUNK];
        int held = 0;
        try (from) {
            for (int n; (n = from.read(buffer, held, CHUNK - held)) != -1;) {
                tail.accept(buffer, held, n);
                int end = held + n;
                int lastNewline = end - 1;
                while (lastNewline >= held && buffer[lastNewline] != '\n') {
                    lastNewline--;
                }
                if (lastNewline < held && end < CHUNK) {
                    held = end;
                    continue;
                }
                // Up to the last newline; a line longer than the whole buffer goes out as it is.
                int upTo = lastNewline >= held ? lastNewline + 1 : end;
                write(buffer, upTo);
                held = end - upTo;
                System.arraycopy(buffer, upTo, buffer, 0, held);
            }
        } catch (IOException e) {
            // the pipe closed under us: the child is gone
        } finally {
            try {
                write(buffer, held);
                to.flush();
            } catch (IOException e) {
                // our own output is gone; nothing to tell
            }
        }
    }

    private boolean broken;

    /** Writes to Lifeguard's output; if that is gone, keeps draining the child anyway so that it never blocks. */
    private void write(byte[] buffer, int length) {
        if (broken || length == 0) {
            return;
        }
        try {
            to.write(buffer, 0, length);
        } catch (IOException e) {
            broken = true;
        }
    }
}
