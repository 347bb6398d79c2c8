package dev.lifeguard.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket tables as the kernel writes them, and where a listener can be reached from. */
class SocketsTest {

    @Test
    void readsTheKernelsHostOrderAddresses() {
        assertEquals("127.0.0.1", Sockets.address("0100007F:1F90"));
        assertEquals("0.0.0.0", Sockets.address("00000000:1F90"));
        assertEquals("10.1.2.3", Sockets.address("0302010A:0050"));
        assertEquals("::", Sockets.address("00000000000000000000000000000000:1F90"));
        assertEquals("::1", Sockets.address("00000000000000000000000001000000:1F90"));
        assertEquals("127.0.0.1", Sockets.address("0000000000000000FFFF00000100007F:1F90"), "IPv4-mapped");
    }

    @Test
    void aListenerIsReachedOnItsAddressOrOnEveryAddress() {
        assertTrue(new Sockets.Listener("0.0.0.0", 8080).reaches("127.0.0.1"));
        assertTrue(new Sockets.Listener("::", 8080).reaches("localhost"));
        assertTrue(new Sockets.Listener("127.0.0.1", 8080).reaches("localhost"));
        assertFalse(new Sockets.Listener("10.1.2.3", 8080).reaches("127.0.0.1"));
        assertTrue(new Sockets.Listener("10.1.2.3", 8080).reaches("10.1.2.3"));
        assertTrue(new Sockets.Listener("10.1.2.3", 8080).reaches("api.internal"), "a name it cannot judge");
        assertEquals("[::1]:8080", new Sockets.Listener("::1", 8080).toString());
    }

    @Test
    void findsWhereThisProcessListens() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<Sockets.Listener> listening = Sockets.listening(ProcessHandle.current());
            assertTrue(listening.contains(new Sockets.Listener("127.0.0.1", server.getLocalPort())), listening.toString());
        }
    }

    @Test
    void findsAListenerInATableOfMoreSocketsThanItsHeapCouldHoldAtOnce(@TempDir Path dir) throws Exception {
        // A busy host or pod has tens of thousands of sockets, most in TIME_WAIT (a neighbour's load test left 77,000
        // during a soak, and Lifeguard ran out of its 64 MiB heap). 50,000 rows are about 50 MiB as split fields.
        List<String> rows = new ArrayList<>();
        rows.add("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
        for (int i = 0; i < 50_000; i++) {
            rows.add(String.format("%6d: 0000000000000000FFFF00000100007F:%04X 0000000000000000FFFF00000100007F:1F90 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0000000000000000",
                    i, 10_000 + i % 50_000));
        }
        rows.add(" 50000: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0");
        Path table = Files.write(dir.resolve("tcp6"), rows);

        Process reader = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx16m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), ReadTable.class.getName(), table.toString(), "4242").redirectErrorStream(true).start();
        String out = new String(reader.getInputStream().readAllBytes());
        assertTrue(reader.waitFor(60, TimeUnit.SECONDS), "the reader did not finish: " + out);
        assertEquals(0, reader.exitValue(), out);
        assertEquals("[[::]:8080]", out.strip());
    }

    /** Run in a JVM of its own with a small heap: prints where socket inode {@code args[1]} listens in table {@code args[0]}. */
    static final class ReadTable {
        public static void main(String[] args) {
            System.out.println(Sockets.listening(Set.of(Long.parseLong(args[1])), List.of(Path.of(args[0]))));
        }
    }
}
