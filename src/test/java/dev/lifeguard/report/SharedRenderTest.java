package dev.lifeguard.report;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SharedRenderTest {

    @Test
    void readersWhoComeDuringARenderWaitForItAndShareItsBytes() throws Exception {
        SharedRender shared = new SharedRender(60_000);
        AtomicInteger renders = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r);
            readers.add(t);
            return t;
        });
        try {
            List<Future<byte[]>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(pool.submit(() -> shared.get("none", () -> {
                    renders.incrementAndGet();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new byte[] { 42 };
                })));
            }
            // One renders; the fifteen others wait for it.
            await().atMost(Duration.ofSeconds(10)).until(() -> readers.size() == 16
                    && readers.stream().filter(t -> t.getState() == Thread.State.BLOCKED).count() == 15);
            release.countDown();
            for (Future<byte[]> answer : answers) {
                assertArrayEquals(new byte[] { 42 }, answer.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, renders.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stalerBytesThanTheFreshnessAreRenderedAgainAndEachKeyHasItsOwn() {
        SharedRender shared = new SharedRender(0);
        AtomicInteger renders = new AtomicInteger();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            shared.get("none", () -> new byte[] { (byte) renders.incrementAndGet() });
            return renders.get() >= 3;
        });
        SharedRender cached = new SharedRender(60_000);
        assertArrayEquals(new byte[] { 1 }, cached.get("none", () -> new byte[] { 1 }));
        assertArrayEquals(new byte[] { 1 }, cached.get("none", () -> new byte[] { 2 }));
        assertArrayEquals(new byte[] { 3 }, cached.get("token", () -> new byte[] { 3 }));
    }
}
