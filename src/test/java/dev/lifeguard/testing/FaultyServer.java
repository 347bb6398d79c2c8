package dev.lifeguard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;

/**
 * A real HTTP/1.1 server on 127.0.0.1 that misbehaves on demand, one way at a time: the faults a gateway turns into
 * 502s and 504s. Thread-safe: the mode may be switched while it serves.
 */
public final class FaultyServer implements AutoCloseable {

    /** How the server answers the next connections. */
    public enum Mode {
        /** 200 with body "ok". */
        OK,
        /** 500 with a short error body. */
        STATUS_500,
        /** 200 with a body that lacks "ok"... */
        WRONG_BODY,
        /** Bytes that are not HTTP. */
        GARBAGE,
        /** Reads the request, then RST (SO_LINGER 0). */
        RESET,
        /** Reads the request, then a clean close before any response. */
        CLOSE,
        /** Reads the request and never answers. */
        HANG,
        /** Sends headers, then a body that never ends. */
        ENDLESS_BODY,
        /** 500 with a body of terminal escapes and line breaks no log should pass on raw. */
        HOSTILE_BODY,
        /** A status line, then header lines forever: never the blank line that ends them. */
        ENDLESS_HEADERS,
        /** 200 with one header line of 1 MiB, then a complete "ok". */
        HUGE_HEADER,
        /** 200, chunked, then 1 KiB chunks forever. */
        ENDLESS_CHUNKS,
        /** A complete "ok" answer, one byte every 200 ms. */
        TRICKLE,
        /** 302 to the same URL. */
        REDIRECT_LOOP,
        /** 200 with {@code Content-Encoding: gzip}, asked for or not: a body of zeros that inflates a thousandfold, without end. */
        GZIP_BOMB,
        /** 200 announcing 100000 bytes of body, then a RST after the first 1000. */
        RESET_MID_BODY
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-server");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger requests = new AtomicInteger();
    /** Connections being served now. */
    private final AtomicInteger serving = new AtomicInteger();
    /** Bytes of answers written since the mode was last set, over all connections. */
    private final AtomicLong written = new AtomicLong();
    private volatile String lastRequest = "";
    private volatile Mode mode = Mode.OK;

    private FaultyServer(ServerSocket server) {
        this.server = server;
        threads.execute(this::acceptLoop);
    }

    /** Starts on a free loopback port. */
    public static FaultyServer start() {
        return start(0);
    }

    /** Starts on {@code port} of loopback. */
    public static FaultyServer start(int port) {
        try {
            return new FaultyServer(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * As a process of its own, for Lifeguard to wrap: {@code FaultyServer PORT MODE DELAY_MS} answers 200 for
     * DELAY_MS, then in MODE (e.g. RESET) until it is killed.
     */
    public static void main(String[] args) throws InterruptedException {
        FaultyServer server = start(Integer.parseInt(args[0]));
        System.out.println("faulty-server: serving on 127.0.0.1:" + server.port());
        Thread.sleep(Long.parseLong(args[2]));
        server.mode(Mode.valueOf(args[1]));
        System.out.println("faulty-server: now " + args[1]);
        Thread.currentThread().join();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/health";
    }

    public FaultyServer mode(Mode mode) {
        this.mode = mode;
        written.set(0);
        return this;
    }

    /** Connections still being answered: an endless answer ends only when the client hangs up. */
    public int serving() {
        return serving.get();
    }

    /**
     * Bytes written since the mode was set. Each answer goes out through a small send buffer, so for an endless
     * answer this is about what the client read before it hung up, plus what the kernel buffers hold.
     */
    public long written() {
        return written.get();
    }

    /** The head (request line and headers) of the last request read. */
    public String lastRequest() {
        return lastRequest;
    }

    /** Requests read so far, in any mode. */
    public int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        Mode m = mode;
        serving.incrementAndGet();
        try (socket) {
            socket.setSendBufferSize(SEND_BUFFER);
            OutputStream out = new Counting(socket.getOutputStream());
            if (!readRequest(socket.getInputStream())) {
                // As real servers do with a TLS ClientHello or other non-HTTP bytes.
                respond(out, "400 Bad Request", "not HTTP");
                return;
            }
            requests.incrementAndGet();
            switch (m) {
                case OK -> respond(out, "200 OK", "ok");
                case STATUS_500 -> respond(out, "500 Internal Server Error", "database connection pool exhausted");
                case WRONG_BODY -> respond(out, "200 OK", "maintenance");
                case HOSTILE_BODY -> respond(out, "500 Internal Server Error", "\u001b[2J\u001b[31mred\u2028line two\u0085line three\u0007\u202eevil");
                case GARBAGE -> out.write("SSH-2.0-OpenSSH_9.2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                case RESET -> socket.setSoLinger(true, 0);
                case CLOSE -> socket.shutdownOutput();
                case HANG -> socket.getInputStream().read();
                case ENDLESS_BODY -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = "x".repeat(1024).getBytes(StandardCharsets.US_ASCII);
                    while (true) {
                        out.write(chunk);
                    }
                }
                case ENDLESS_HEADERS -> {
                    out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (long i = 0; ; i++) {
                        out.write(("X-Filler-" + i + ": " + "y".repeat(64) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                }
                case HUGE_HEADER -> out.write(("HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(1024 * 1024)
                        + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok").getBytes(StandardCharsets.US_ASCII));
                case ENDLESS_CHUNKS -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = ("400\r\n" + "x".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    while (true) {
                        out.write(chunk);
                    }
                }
                case TRICKLE -> {
                    for (byte b : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII)) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(200);
                    }
                }
                case REDIRECT_LOOP -> out.write("HTTP/1.1 302 Found\r\nLocation: /health\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                case GZIP_BOMB -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(GZIP_HEADER);
                    while (true) {
                        out.write(ZEROS_MIB);
                    }
                }
                case RESET_MID_BODY -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.write("x".repeat(1000).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    socket.setSoLinger(true, 0);
                }
            }
            out.flush();
        } catch (IOException e) {
            // the client went away: expected when it gives up on us
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            serving.decrementAndGet();
        }
    }

    /** Small, so that an endless answer stalls soon after the client stops reading. */
    private static final int SEND_BUFFER = 16 * 1024;
    /** A gzip member's header: magic, deflate, no flags, no time, no extra flags, unknown OS. */
    private static final byte[] GZIP_HEADER = { 0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff };
    /**
     * 1 MiB of zeros, deflated to about 1 KiB by a fresh deflater and fully flushed: it refers to nothing before it,
     * so it can be sent again and again, each time one more MiB for whoever inflates it. No trailer: it never ends.
     */
    private static final byte[] ZEROS_MIB = deflatedZeros();

    private static byte[] deflatedZeros() {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(new byte[1024 * 1024]);
        byte[] out = new byte[64 * 1024];
        int n = deflater.deflate(out, 0, out.length, Deflater.FULL_FLUSH);
        deflater.end();
        return java.util.Arrays.copyOf(out, n);
    }

    /** Counts what is written, for {@link #written()}. */
    private final class Counting extends java.io.FilterOutputStream {
        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            written.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            // In slices, so that a long write that fails half-way counts what went out.
            for (int at = off, end = off + len; at < end; at += 8192) {
                int n = Math.min(8192, end - at);
                out.write(b, at, n);
                written.addAndGet(n);
            }
        }
    }

    /** Reads up to the blank line after the headers; false when the bytes do not start like an HTTP request. */
    private boolean readRequest(InputStream in) throws IOException {
        int first = in.read();
        if (first < 'A' || first > 'Z') {
            return false;
        }
        StringBuilder head = new StringBuilder().append((char) first);
        int state = 0;
        for (int b; state < 4 && (b = in.read()) != -1;) {
            state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
            if (head.length() < 8192) {
                head.append((char) b);
            }
        }
        lastRequest = head.toString();
        return true;
    }

    private static void respond(OutputStream out, String status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
