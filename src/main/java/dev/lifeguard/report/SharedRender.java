package dev.lifeguard.report;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Rendered bytes that concurrent readers share: one render per key at a time, reused while at most
 * {@code freshMillis} old. Sixteen clients reading a status of a thousand checks in a loop rendered it sixteen times
 * over, took both cores, and a readiness answer waited 1.6 s. Thread-safe; a reader may wait for another's render, so
 * it is for worker threads, never the event loop.
 */
final class SharedRender {

    private record Rendered(byte[] bytes, long atNanos) {
    }

    private static final class Slot {
        private volatile Rendered rendered;
    }

    private final long freshNanos;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    SharedRender(long freshMillis) {
        this.freshNanos = TimeUnit.MILLISECONDS.toNanos(freshMillis);
    }

    /** The bytes for {@code key}: the fresh ones, else rendered now by this reader or the one already rendering. */
    byte[] get(String key, Supplier<byte[]> render) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        Rendered r = slot.rendered;
        if (fresh(r)) {
            return r.bytes();
        }
        synchronized (slot) {
            r = slot.rendered;
            if (!fresh(r)) {
                r = new Rendered(render.get(), System.nanoTime());
                slot.rendered = r;
            }
            return r.bytes();
        }
    }

    private boolean fresh(Rendered r) {
        return r != null && System.nanoTime() - r.atNanos() <= freshNanos;
    }
}
