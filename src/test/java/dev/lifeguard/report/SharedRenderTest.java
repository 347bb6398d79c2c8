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
    void readersWhoComeDuringARenderWaitAndShareTheOneRenderedForThem() throws Exception {
        SharedRender shared = new SharedRender();
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
                    int n = renders.incrementAndGet();
                    if (n == 1) {
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return new byte[] { (byte) n };
                })));
            }
            // One renders; the fifteen others came after that render began, so they wait for one of their own.
            await().atMost(Duration.ofSeconds(10)).until(() -> readers.size() == 16
                    && readers.stream().filter(t -> t.getState() == Thread.State.BLOCKED).count() == 15);
            release.countDown();
            int first = 0;
            for (Future<byte[]> answer : answers) {
                first += answer.get(10, TimeUnit.SECONDS)[0] == 1 ? 1 : 0;
            }
            assertEquals(1, first, "only the reader who started the first render gets it");
            assertEquals(2, renders.get(), "sixteen readers, two renders");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReaderAfterARenderGetsANewOneAndEachKeyHasItsOwn() {
        SharedRender shared = new SharedRender();
        assertArrayEquals(new byte[] { 1 }, shared.get("none", () -> new byte[] { 1 }));
        assertArrayEquals(new byte[] { 2 }, shared.get("none", () -> new byte[] { 2 }));
        assertArrayEquals(new byte[] { 3 }, shared.get("token", () -> new byte[] { 3 }));
    }
}
