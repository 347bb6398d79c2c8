package dev.lifeguard.diagnose;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.lifeguard.config.DegradedSpec;

/** The signs of overload, each from the real thing where this machine has it, and when degraded begins and ends. */
class OverloadWatchTest {

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    @Test
    void answersTakingHalfTheTimeoutOrMoreAreASignByTheirMedian() {
        assertEquals(Optional.empty(), OverloadWatch.latencySign(List.of(ms(900), ms(900), ms(900), ms(900)), ms(1000), 0.5), "too few yet");
        assertEquals(Optional.empty(), OverloadWatch.latencySign(List.of(ms(10), ms(10), ms(10), ms(900), ms(900)), ms(1000), 0.5),
                "two slow answers of five are no trend");
        assertEquals(Optional.of("answers take 60% of the probe's timeout (median of the last 5: 600ms of 1s)"),
                OverloadWatch.latencySign(List.of(ms(10), ms(600), ms(600), ms(700), ms(590)), ms(1000), 0.5));
    }

    @Test
    void aListenQueueThatOverflowsIsASign() throws Exception {
        List<SocketChannel> clients = new ArrayList<>();
        List<Optional<Degraded>> told = Collections.synchronizedList(new ArrayList<>());
        OverloadWatch watch = new OverloadWatch(new DegradedSpec(0.5, 0.5), Clock.systemUTC(), List.of(told::add));
        // A server that never accepts, with room for one connection waiting: the kernel drops the rest of the SYNs.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long before = OverloadWatch.listenOverflows(Path.of("/proc/net/netstat")).orElseThrow();
            watch.look();
            for (int i = 0; i < 20; i++) {
                SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                c.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()));
                clients.add(c);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> OverloadWatch.listenOverflows(Path.of("/proc/net/netstat")).orElseThrow() > before);
            watch.look();
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
        assertThat(watch.current().orElseThrow().signs(), hasItem(containsString("the listen queue overflowed")));
        assertEquals(1, told.size(), "told once, when it began");
        assertTrue(told.get(0).isPresent());
    }

    @Test
    void degradedAtTheFirstSignAndNoLongerAfterThreeLooksWithout() {
        List<Optional<Degraded>> told = new ArrayList<>();
        OverloadWatch watch = new OverloadWatch(new DegradedSpec(0.5, 0.5), Clock.systemUTC(), List.of(told::add));
        watch.judge(List.of("a sign"));
        assertEquals(50, watch.current().orElseThrow().weightPercent());
        watch.judge(List.of());
        watch.judge(List.of());
        assertTrue(watch.current().isPresent(), "two clean looks are not enough");
        watch.judge(List.of());
        assertEquals(Optional.empty(), watch.current());
        assertEquals(2, told.size());
        assertEquals(Optional.empty(), told.get(1));
    }
}
