package dev.lifeguard.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineTailTest {

    private static void publish(LineTail tail, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        tail.publish(ByteBuffer.wrap(bytes), bytes.length);
    }

    @Test
    void keepsTheLastLinesIncludingAnUnfinishedOne() {
        LineTail tail = new LineTail(4);
        publish(tail, "one\ntwo\r\nthr");
        publish(tail, "ee\nfour");
        assertEquals(List.of("one", "two", "three", "four"), tail.last(10));
        assertEquals(List.of("three", "four"), tail.last(2));
    }

    @Test
    void dropsTheOldestChunksAndALineWhoseStartWentWithThem() {
        LineTail tail = new LineTail(2);
        publish(tail, "0123\n45");
        publish(tail, "67\nabc\n");
        publish(tail, "xyz\n");
        assertEquals(List.of("abc", "xyz"), tail.last(10));
        assertEquals(7 + 7 + 4, tail.position());
    }

    @Test
    void returnsWhatCameAfterAPosition() {
        LineTail tail = new LineTail(4);
        publish(tail, "before\n");
        long mark = tail.position();
        publish(tail, "Full thread dump\n  \"main\" waiting\n");
        assertEquals(List.of("Full thread dump", "  \"main\" waiting"), tail.since(mark));
    }

    @Test
    void cutsVeryLongLines() {
        LineTail tail = new LineTail(4);
        publish(tail, "x".repeat(LineTail.MAX_LINE + 10) + "\n");
        assertEquals(LineTail.MAX_LINE + 1, tail.last(1).get(0).length());
    }

    @Test
    void publishesOnlyTheGivenLength() {
        LineTail tail = new LineTail(4);
        byte[] buffer = "kept\nnot yet".getBytes(StandardCharsets.UTF_8);
        tail.publish(ByteBuffer.wrap(buffer), 5);
        assertEquals(List.of("kept"), tail.last(10));
    }

    @Test
    void growsTheNewestChunkWhenTheSameBufferIsPublishedAgain() {
        LineTail tail = new LineTail(1);
        ByteBuffer buffer = ByteBuffer.wrap("one\ntwo\n".getBytes(StandardCharsets.UTF_8));
        tail.publish(buffer, 4);
        tail.publish(buffer, 8);
        assertEquals(List.of("one", "two"), tail.last(10));
        assertEquals(8, tail.position());
    }
}
