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
        HOSTILE_BODY
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-server");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger requests = new AtomicInteger();
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
        return this;
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
        try (socket) {
            OutputStream out = socket.getOutputStream();
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
            }
            out.flush();
        } catch (IOException e) {
            // the client went away: expected when it gives up on us
        }
    }

    /** Reads up to the blank line after the headers; false when the bytes do not start like an HTTP request. */
    private static boolean readRequest(InputStream in) throws IOException {
        int first = in.read();
        if (first < 'A' || first > 'Z') {
            return false;
        }
        int state = 0;
        for (int b; state < 4 && (b = in.read()) != -1;) {
            state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
        }
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
