package dev.lifeguard.supervise;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/**
 * Lifeguard's own stdout stuck, as behind a log collector that stopped reading: readiness keeps answering and
 * following the upstream, and once the reader is back, the child's output arrives whole and in order.
 */
class BlockedStdoutIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LINES = 20_000;
    private static final String PAD = ".".repeat(80);

    @Test
    void readinessFollowsTheUpstreamWhileStdoutIsStuckAndNoLineOfTheChildIsLost() throws Exception {
        Path dir = Files.createTempDirectory("lifeguard-blocked-stdout");
        Path go = dir.resolve("go");
        Path counter = dir.resolve("counter");
        int port = Ports.closed();
        // The test upstream serves /health in the background; the shell writes numbered lines once told to go.
        List<String> command = new ArrayList<>(List.of("sh", "-c", "\"$@\" & while [ ! -e '" + go + "' ]; do sleep 0.1; done; i=0; "
                + "while [ $i -lt " + LINES + " ]; do echo \"seq $i " + PAD + "\"; echo $i > '" + counter + "'; i=$((i+1)); done; wait", "sh"));
        command.addAll(WrappedAgent.testUpstream(port));
        try (WrappedAgent agent = WrappedAgent.startPiped(Ports.closed(), WrappedAgent.fastSettings(port, "lifeguard.restart.hang-after", "10m"), command);
                Reader stdout = new Reader(agent.process().getInputStream())) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));

            stdout.pause();
            Files.createFile(go);
            // Stuck: the child cannot write any more, since Lifeguard cannot.
            AtomicLong last = new AtomicLong(-1);
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                long now = Files.exists(counter) ? Long.parseLong(Files.readString(counter).strip()) : -1;
                return now >= 0 && now == last.getAndSet(now);
            });
            // Readiness answers and follows the upstream, though each change is a log line Lifeguard cannot write.
            agent.http().baseUri("http://127.0.0.1").port(port).get("/status?code=500").then().statusCode(200);
            await().atMost(WAIT).untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(503));
            agent.http().baseUri("http://127.0.0.1").port(port).get("/status?code=200").then().statusCode(200);
            await().atMost(WAIT).untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));

            stdout.resume();
            await().atMost(WAIT).until(() -> stdout.text().contains("seq " + (LINES - 1) + " "));
            int next = 0;
            for (String line : stdout.text().split("\n")) {
                if (line.startsWith("seq ")) {
                    assertEquals("seq " + next + " " + PAD, line, "line " + next + " of the child");
                    next++;
                }
            }
            assertEquals(LINES, next);
        }
    }

    /** Reads a stream on a thread of its own, and can stop reading for a while. */
    private static final class Reader implements AutoCloseable {
        private final ByteArrayOutputStream read = new ByteArrayOutputStream();
        private final Thread thread;
        private boolean paused;

        Reader(InputStream in) {
            thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    for (int n; (n = in.read(buffer)) != -1;) {
                        synchronized (this) {
                            read.write(buffer, 0, n);
                            while (paused) {
                                wait();
                            }
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // the agent is gone
                }
            }, "stdout-reader");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized void pause() {
            paused = true;
        }

        synchronized void resume() {
            paused = false;
            notifyAll();
        }

        synchronized String text() {
            return read.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            resume();
        }
    }
}
