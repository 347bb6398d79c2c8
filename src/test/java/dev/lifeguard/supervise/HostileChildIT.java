package dev.lifeguard.supervise;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/** Children that are hard to watch: output that is not text, and thousands of threads. */
class HostileChildIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int THREADS = 3000;

    @Test
    void binaryOutputIsForwardedByteForByteOnBothStreams() throws Exception {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes("BEGIN\n".getBytes(StandardCharsets.US_ASCII));
        for (int round = 0; round < 3; round++) {
            for (int b = 0; b < 256; b++) {
                payload.write(b);
            }
        }
        // Not UTF-8: an overlong NUL, a lone continuation byte, a surrogate, a truncated sequence; NULs and a lone CR.
        payload.writeBytes(new byte[] { (byte) 0xc0, (byte) 0x80, (byte) 0x80, (byte) 0xed, (byte) 0xa0, (byte) 0x80, 0, 0, '\r', (byte) 0xe2, (byte) 0x82 });
        // No newline at the end.
        payload.writeBytes("END".getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = payload.toByteArray();
        Path file = Files.createTempFile("lifeguard-binary", ".bin");
        Files.write(file, bytes);
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.restart.policy", "never"),
                List.of("sh", "-c", "sleep 1; cat '" + file + "'; cat '" + file + "' >&2"))) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(new String(Files.readAllBytes(agent.stdoutFile()), StandardCharsets.ISO_8859_1),
                    containsString("exited with status 0")));
            assertArrayEquals(bytes, forwarded(Files.readAllBytes(agent.stdoutFile()), bytes.length), "stdout");
            assertArrayEquals(bytes, forwarded(Files.readAllBytes(agent.stderrFile()), bytes.length), "stderr");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The bytes from BEGIN on, as many as were sent. */
    private static byte[] forwarded(byte[] output, int length) {
        byte[] begin = "BEGIN\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + begin.length <= output.length; i++) {
            if (Arrays.equals(output, i, i + begin.length, begin, 0, begin.length)) {
                return Arrays.copyOfRange(output, i, Math.min(output.length, i + length));
            }
        }
        throw new AssertionError("BEGIN not forwarded");
    }

    @Test
    void aStoppedChildWithThousandsOfThreadsIsNamedStopped() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.restart.hang-after", "10m"),
                WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            agent.http().baseUri("http://127.0.0.1").port(port).get("/threads?n=" + THREADS).then().statusCode(200);
            long child = agent.childPid();
            WrappedAgent.signal("STOP", child);
            try {
                await().atMost(WAIT).untilAsserted(() -> assertEquals("stopped", agent.status().getString("upstream.cause")));
            } finally {
                WrappedAgent.signal("CONT", child);
            }
        }
    }

    @Test
    void aHungChildWithThousandsOfThreadsLeavesABoundedThreadDumpAndStatus() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port), WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            agent.http().baseUri("http://127.0.0.1").port(port).get("/threads?n=" + THREADS).then().statusCode(200);
            agent.http().baseUri("http://127.0.0.1").port(port).get("/deadlock").then().statusCode(200);
            await().atMost(WAIT).ignoreExceptions()
                    .untilAsserted(() -> assertThat(agent.status().getList("supervisor.restarts.cause"), hasItem("hung")));
            String document = agent.http().get("/lifeguard/status").then().statusCode(200).extract().asString();
            JsonPath status = new JsonPath(document);
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("deadlocked"));
            String threads = status.getList("supervisor.restarts[0].evidence", String.class).stream().filter(l -> l.startsWith("threads: "))
                    .findFirst().orElseThrow();
            assertThat(threads, Integer.parseInt(threads.substring("threads: ".length())), greaterThanOrEqualTo(THREADS));
            List<String> output = status.getList("supervisor.restarts[0].output", String.class);
            assertThat(output, hasItem(containsString("Found one Java-level deadlock")));
            assertThat(String.join("\n", output).getBytes(StandardCharsets.UTF_8).length, lessThan(Restart.OUTPUT_BYTES + 1024));
            // A thread dump of thousands of threads is a megabyte; the document keeps its newest 16 KiB.
            assertThat(document, document.length(), lessThan(64 * 1024));
        }
    }
}
