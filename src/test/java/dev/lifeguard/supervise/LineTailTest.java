package dev.lifeguard.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineTailTest {

    private static void feed(LineTail tail, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        tail.accept(bytes, 0, bytes.length);
    }

    @Test
    void keepsTheLastLinesIncludingAnUnfinishedOne() {
        LineTail tail = new LineTail(1024);
        feed(tail, "one\ntwo\r\nthr");
        feed(tail, "ee\nfour");
        assertEquals(List.of("one", "two", "three", "four"), tail.last(10));
        assertEquals(List.of("three", "four"), tail.last(2));
    }

    @Test
    void dropsALineCutByTheRingsStart() {
        LineTail tail = new LineTail(16);
        feed(tail, "0123456789\nabcdef\nxyz\n");
        assertEquals(List.of("abcdef", "xyz"), tail.last(10));
    }

    @Test
    void keepsTheEndOfAChunkLargerThanTheRing() {
        LineTail tail = new LineTail(8);
        feed(tail, "a".repeat(100) + "\nlast\n");
        assertEquals(List.of("last"), tail.last(10));
        assertEquals(106, tail.position());
    }

    @Test
    void returnsWhatCameAfterAPosition() {
        LineTail tail = new LineTail(1024);
        feed(tail, "before\n");
        long mark = tail.position();
        feed(tail, "Full thread dump\n  \"main\" waiting\n");
        assertEquals(List.of("Full thread dump", "  \"main\" waiting"), tail.since(mark));
    }

    @Test
    void cutsVeryLongLines() {
        LineTail tail = new LineTail(64 * 1024);
        feed(tail, "x".repeat(LineTail.MAX_LINE + 10) + "\n");
        assertEquals(LineTail.MAX_LINE + 1, tail.last(1).get(0).length());
    }
}
