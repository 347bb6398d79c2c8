package dev.lifeguard.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import org.junit.jupiter.api.Test;

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
}
