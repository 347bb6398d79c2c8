package dev.lifeguard.report;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Rendered bytes that concurrent readers share: one render per key at a time, and a reader gets the bytes of a render
 * that began after it arrived, so nothing it reads is older than its request. Readers who come during a render wait;
 * one of them renders again for all of them. Sixteen clients reading a status of a thousand checks in a loop rendered
 * it sixteen times over, took both cores, and a readiness answer waited 1.6 s; now a wave of them costs two renders.
 * Thread-safe; a reader may wait for another's render, so it is for worker threads, never the event loop.
 */
final class SharedRender {

    private record Rendered(byte[] bytes, long startedNanos) {
    }

    private static final class Slot {
        private Rendered rendered;
    }

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    /** The bytes for {@code key}, rendered after this call began: by this reader, or by one who rendered for it. */
    byte[] get(String key, Supplier<byte[]> render) {
        long arrived = System.nanoTime();
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        synchronized (slot) {
            Rendered r = slot.rendered;
            if (r == null || r.startedNanos() - arrived < 0) {
                long started = System.nanoTime();
                r = new Rendered(render.get(), started);
                slot.rendered = r;
            }
            return r.bytes();
        }
    }
}
