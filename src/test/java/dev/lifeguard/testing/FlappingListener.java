package dev.lifeguard.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A TCP port on 127.0.0.1 that listens (accepting and closing each connection) for 0.5 to 0.9 s, at random so no
 * probe interval stays in phase with it, then refuses connections for 0.3 s, and again, until closed: a service
 * that fails a third of the time but seldom twice in a row for a 1 s check.
 */
public final class FlappingListener implements AutoCloseable {

    private static final long CLOSED_MILLIS = 300;

    private final int port;
    private final Thread loop;
    private volatile boolean running = true;

    public FlappingListener() {
        this.port = Ports.closed();
        this.loop = new Thread(this::flap, "flapping-listener");
        loop.setDaemon(true);
        loop.start();
    }

    public int port() {
        return port;
    }

    private void flap() {
        while (running) {
            long openUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(500, 900));
            try (ServerSocket server = new ServerSocket()) {
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                server.setSoTimeout(20);
                while (running && System.nanoTime() < openUntil) {
                    try (Socket accepted = server.accept()) {
                        // a connection is all a TCP probe asks for
                    } catch (SocketTimeoutException e) {
                        // look at the clock again
                    }
                }
            } catch (IOException e) {
                // the port is briefly not ours to bind: a closed spell, as below
            }
            pause();
        }
    }

    /** The closed spell: the service's own rhythm, not a test waiting for something. */
    private static void pause() {
        try {
            Thread.sleep(CLOSED_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        loop.interrupt();
        loop.join(5_000);
    }
}
