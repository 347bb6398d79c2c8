package dev.lifeguard.report;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/**
 * Lifeguard's own port held under slow clients (slowloris): a request head that does not arrive whole within the
 * deadline ({@code lifeguard.http.head-timeout}, 5 s) closes its connection, and a new client, such as the kubelet
 * or a load balancer polling readiness on a fresh connection each time, is answered while hundreds of slow
 * connections are open, more than the connection cap.
 */
class SlowClientsIT {

    private static final Duration START = Duration.ofSeconds(30);
    /** The deadline (5 s) and room for a loaded machine. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(15);
    /** More than {@code quarkus.http.limits.max-connections}. */
    private static final int MANY = 600;
    private static final byte[] HEAD = "GET /q/health/live HTTP/1.1\r\nHost: lifeguard\r\nUser-Agent: slow\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static WrappedAgent start() throws IOException {
        WrappedAgent agent = WrappedAgent.start(Ports.closed(), WrappedAgent.fastSettings(Ports.closed()), List.of());
        await().atMost(START).ignoreExceptions().until(() -> agent.http().get("/q/health/live").statusCode() == 200);
        return agent;
    }

    /** A client that sends its head one byte at a time, one byte per tick, and never more than the head. */
    private static final class Slow implements AutoCloseable {
        final SocketChannel channel;
        int sent;

        Slow(int port) throws IOException {
            channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.configureBlocking(false);
        }

        /** Sends the next byte of the head, keeping back the last one; false once the server closed the connection. */
        synchronized boolean tick() {
            try {
                if (sent < HEAD.length - 1) {
                    channel.write(ByteBuffer.wrap(HEAD, sent, 1));
                    sent++;
                }
                return !closedByPeer();
            } catch (IOException closed) {
                return false;
            }
        }

        /** Whether the server closed it: a read of -1 (or a reset) rather than nothing to read. */
        synchronized boolean closedByPeer() {
            try {
                return channel.read(ByteBuffer.allocate(512)) < 0;
            } catch (IOException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** One request on a connection of its own, as the kubelet and HAProxy's checks send them; the status line. */
    private static String freshRequest(int port, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            s.setSoTimeout(2_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: lifeguard\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return answer.lines().findFirst().orElse("");
        }
    }

    @Test
    void aHeadSentOneByteAtATimeIsClosedAfterTheDeadline() throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try (WrappedAgent agent = start(); Slow slow = new Slow(agent.port())) {
            ticker.scheduleAtFixedRate(slow::tick, 0, 200, TimeUnit.MILLISECONDS);
            // Each byte would restart an idle timeout: only a deadline for the whole head ends it.
            await().atMost(CLOSED_WITHIN).until(slow::closedByPeer);
        } finally {
            ticker.shutdownNow();
        }
    }

    @Test
    void aHeadNeverFinishedAndAConnectionThatSendsNothingAreClosedAfterTheDeadline() throws Exception {
        try (WrappedAgent agent = start(); Slow silent = new Slow(agent.port()); Slow unfinished = new Slow(agent.port())) {
            unfinished.channel.write(ByteBuffer.wrap(HEAD, 0, HEAD.length - 2));
            await().atMost(CLOSED_WITHIN).until(() -> silent.closedByPeer() && unfinished.closedByPeer());
        }
    }

    @Test
    void aKeepAliveClientIsNotCutByTheDeadlineWhileItWaitsBetweenRequests() throws Exception {
        try (WrappedAgent agent = start(); Socket s = new Socket("127.0.0.1", agent.port())) {
            s.setSoTimeout(2_000);
            assertThat(exchange(s), startsWith("HTTP/1.1 200"));
            // Longer than the head deadline, idle between two requests, as a poller that keeps its connection is.
            await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(9)).until(() -> true);
            assertThat(exchange(s), startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void readinessAnswersFreshConnectionsWhileMoreSlowConnectionsThanTheCapAreOpen() throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        List<Slow> slow = new ArrayList<>();
        try (WrappedAgent agent = start()) {
            for (int i = 0; i < MANY; i++) {
                Slow s = new Slow(agent.port());
                s.tick();
                slow.add(s);
            }
            ticker.scheduleAtFixedRate(() -> slow.forEach(Slow::tick), 0, 500, TimeUnit.MILLISECONDS);
            for (int i = 0; i < 20; i++) {
                assertThat(freshRequest(agent.port(), "/q/health/ready"), startsWith("HTTP/1.1 503"));
            }
            // The slow ones were held meanwhile (not refused at once), up to the cap or the deadline.
            long open = slow.stream().filter(s -> !s.closedByPeer()).count();
            assertThat("slow connections still open", open, greaterThanOrEqualTo(100L));
            // And they end, by the deadline, while still sending.
            await().atMost(CLOSED_WITHIN).until(() -> slow.stream().allMatch(Slow::closedByPeer));
        } finally {
            ticker.shutdownNow();
            for (Slow s : slow) {
                s.close();
            }
        }
    }

    @Test
    void connectionsOverTheCapDoNotStopReadinessOnceTheyAreClosed() throws Exception {
        try (WrappedAgent agent = start()) {
            List<Slow> slow = new ArrayList<>();
            for (int i = 0; i < MANY; i++) {
                Slow s = new Slow(agent.port());
                s.tick();
                slow.add(s);
            }
            for (Slow s : slow) {
                s.close();
            }
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> freshRequest(agent.port(), "/q/health/ready").startsWith("HTTP/1.1 503"));
            for (int i = 0; i < 20; i++) {
                assertThat(freshRequest(agent.port(), "/q/health/ready"), startsWith("HTTP/1.1 503"));
            }
        }
    }

    /** One GET of /q/health/live on a kept-alive connection: the status line, the whole answer read. */
    private static String exchange(Socket s) throws IOException {
        s.getOutputStream().write(HEAD);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new UncheckedIOException(new IOException("closed after " + head));
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = text.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
        in.readNBytes(length);
        return text;
    }
}
