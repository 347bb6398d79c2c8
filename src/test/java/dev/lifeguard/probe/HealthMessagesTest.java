package dev.lifeguard.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

/** The health check's two messages in protobuf's wire format, byte for byte as protoc's code writes and reads them. */
class HealthMessagesTest {

    @Test
    void framesTheRequestForTheWholeServerAsAnEmptyMessage() {
        assertArrayEquals(new byte[] { 0, 0, 0, 0, 0 }, HealthMessages.request("").getBytes());
    }

    @Test
    void framesTheRequestForANamedServiceAsField1() {
        assertArrayEquals(new byte[] { 0, 0, 0, 0, 5, 0x0a, 3, 'a', '.', 'B' }, HealthMessages.request("a.B").getBytes());
    }

    @Test
    void writesALongNameLengthAsAMultiByteVarint() {
        Buffer framed = HealthMessages.request("s".repeat(300));
        assertEquals(303, framed.getInt(1));
        // 300 = 0b10_0101100: low seven bits first, with the continuation bit.
        assertArrayEquals(new byte[] { 0x0a, (byte) 0xac, 0x02 }, framed.getBytes(5, 8));
    }

    @Test
    void readsTheServingStatusAndSkipsFieldsItDoesNotKnow() {
        assertEquals(HealthMessages.SERVING, HealthMessages.status(Buffer.buffer(new byte[] { 0x08, 0x01 })));
        // Field 2 (a string "x"), field 3 (a fixed 32-bit), then the status.
        assertEquals(HealthMessages.NOT_SERVING, HealthMessages.status(Buffer.buffer(new byte[] { 0x12, 1, 'x', 0x1d, 1, 2, 3, 4, 0x08, 0x02 })));
        // proto3 leaves the default out: an empty message is UNKNOWN.
        assertEquals(HealthMessages.UNKNOWN, HealthMessages.status(Buffer.buffer()));
    }

    @Test
    void refusesWhatIsNoSingleUncompressedFrame() {
        assertThrows(IllegalArgumentException.class, () -> HealthMessages.message(Buffer.buffer(new byte[] { 0, 0, 0 })));
        assertThrows(IllegalArgumentException.class, () -> HealthMessages.message(Buffer.buffer(new byte[] { 1, 0, 0, 0, 2, 0x08, 0x01 })));
        assertThrows(IllegalArgumentException.class, () -> HealthMessages.message(Buffer.buffer(new byte[] { 0, 0, 0, 0, 3, 0x08, 0x01 })));
        assertEquals(Buffer.buffer(new byte[] { 0x08, 0x01 }), HealthMessages.message(Buffer.buffer(new byte[] { 0, 0, 0, 0, 2, 0x08, 0x01 })));
        assertThrows(IllegalArgumentException.class, () -> HealthMessages.status(Buffer.buffer(new byte[] { 0x08, (byte) 0x81 })));
    }
}
