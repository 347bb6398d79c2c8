package dev.lifeguard.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import dev.lifeguard.config.Executables;

/**
 * A real HAProxy (Debian's package) in the foreground, with an admin stats socket of its own in a temporary directory.
 * CI installs it and sets {@code CI_REQUIRE_HAPROXY=1}, which turns a missing one into a failure; elsewhere
 * the tests that need it are skipped with a message. Closing it stops it, by PID.
 */
public final class Haproxy implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final Path socket;

    private Haproxy(Process process, Path dir, Path socket) {
        this.process = process;
        this.dir = dir;
        this.socket = socket;
    }

    /** Skips the calling test where HAProxy is not installed, or fails it where CI requires it. */
    public static void assumeInstalled() {
        boolean installed = Executables.runnable("haproxy");
        if (!installed && "1".equals(System.getenv("CI_REQUIRE_HAPROXY"))) {
            throw new AssertionError("haproxy is not installed, and CI_REQUIRE_HAPROXY=1: install Debian's haproxy package");
        }
        Assumptions.assumeTrue(installed, "haproxy is not installed: skipping the HAProxy tests (apt-get install haproxy)");
    }

    /**
     * Starts HAProxy with {@code config} after a {@code global} section that opens the admin socket ({@code
     * {socket}} in the text is replaced by its path); returns once the socket answers.
     */
    public static Haproxy start(String config) throws IOException {
        return start(config, Files.createTempDirectory("lifeguard-haproxy"));
    }

    /** The same in {@code dir}: its socket is {@code dir/admin.sock}, the same path for an HAProxy started again there. */
    public static Haproxy start(String config, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path socket = dir.resolve("admin.sock");
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, "global\n    stats socket " + socket + " mode 600 level admin\n\n" + config);
        Process p = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).redirectInput(new File("/dev/null")).start();
        Haproxy haproxy = new Haproxy(p, dir, socket);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> haproxy.command("show info").contains("Pid:"));
        return haproxy;
    }

    /** Sends one Runtime API command and returns the answer. */
    public String command(String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            while (ch.read(buf) >= 0 && buf.hasRemaining()) {
                // until HAProxy closes the connection
            }
            buf.flip();
            return StandardCharsets.UTF_8.decode(buf).toString();
        }
    }

    /** One server's row of {@code show stat}, by column name ({@code status}, {@code check_desc}, {@code last_agt}...). */
    public Map<String, String> server(String backend, String server) throws IOException {
        List<String> lines = command("show stat").lines().toList();
        String[] header = lines.get(0).replaceFirst("^# ", "").split(",", -1);
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",", -1);
            if (values.length > 1 && values[0].equals(backend) && values[1].equals(server)) {
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < header.length && i < values.length; i++) {
                    row.put(header[i], values[i]);
                }
                return row;
            }
        }
        throw new IllegalStateException("no server " + backend + "/" + server + " in show stat");
    }

    /** The admin socket's path, for {@code lifeguard.haproxy.runtime-api}. */
    public Path socket() {
        return socket;
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("haproxy.log"));
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
