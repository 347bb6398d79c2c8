package dev.lifeguard.supervise;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies one of the child's output streams to Lifeguard's own, byte for byte and in order, on its own thread so the
 * child never waits on anything but the destination; keeps the last lines in a {@link LineTail}.
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
        try (from) {
            for (int n; (n = from.read(buffer)) != -1;) {
                to.write(buffer, 0, n);
                tail.accept(buffer, 0, n);
            }
        } catch (IOException e) {
            // the pipe closed under us: the child is gone
        } finally {
            tail.flush();
            try {
                to.flush();
            } catch (IOException e) {
                // our own output is gone; nothing to tell
            }
        }
    }
}
