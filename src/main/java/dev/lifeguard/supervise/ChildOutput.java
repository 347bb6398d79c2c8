package dev.lifeguard.supervise;

import java.io.File;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * Where a child's stdout or stderr goes before Lifeguard forwards it: a named pipe (FIFO), which Lifeguard reads with
 * a {@link FileChannel} into direct buffers, as fast as {@code cat}; Java's own process pipes cost a copy through the
 * heap, about a third of the child's speed when it writes flat out. Without {@code mkfifo}, the process pipe it is.
 */
final class ChildOutput {

    private static final Logger LOG = Logger.getLogger(ChildOutput.class);

    private final Path fifo;
    private final CompletableFuture<ReadableByteChannel> reader = new CompletableFuture<>();

    private ChildOutput(Path fifo) {
        this.fifo = fifo;
    }

    /** A FIFO for one stream, or null when none can be made here (then use the process's own pipe). */
    static ChildOutput fifo(Path dir, String name) {
        Path fifo = dir.resolve(name);
        try {
            Process mkfifo = new ProcessBuilder(List.of("mkfifo", "-m", "600", fifo.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (mkfifo.waitFor(5, TimeUnit.SECONDS) && mkfifo.exitValue() == 0) {
                return new ChildOutput(fifo);
            }
        } catch (IOException e) {
            // no mkfifo on this system
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debugf("no FIFO for %s: the child's %s goes through Java's process pipe", name, name);
        return null;
    }

    File file() {
        return fifo.toFile();
    }

    /** Opens the reading end on a thread of its own: opening a FIFO waits for its writer, the child. */
    void openForReading() {
        Thread t = new Thread(() -> {
            try {
                reader.complete(FileChannel.open(fifo, StandardOpenOption.READ));
            } catch (IOException e) {
                reader.completeExceptionally(e);
            }
        }, "fifo-open-" + fifo.getFileName());
        t.setDaemon(true);
        t.start();
    }

    /** The reading end once the child has opened its end; the FIFO's name is removed then. */
    ReadableByteChannel channel() throws IOException {
        try {
            ReadableByteChannel channel = reader.get(10, TimeUnit.SECONDS);
            Files.deleteIfExists(fifo);
            return channel;
        } catch (Exception e) {
            throw new IOException("the child never opened " + fifo, e);
        }
    }

    /** The child could not be started: let the blocked open return, and remove the FIFO. */
    void abandon() {
        try (FileChannel unblock = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
            // opening the writing end releases the reader; closing it gives it end-of-file
        } catch (IOException e) {
            // nothing waits on it
        }
        try {
            reader.get(1, TimeUnit.SECONDS).close();
            Files.deleteIfExists(fifo);
        } catch (Exception e) {
            // best effort: a temp file left behind
        }
    }

    /** The process's own pipe, as a channel (the fallback). */
    static ReadableByteChannel of(java.io.InputStream in) {
        return Channels.newChannel(in);
    }
}
