package io.modvm.virtio.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Views of a chain's buffers: they cover exactly the guest ranges the chain names, in order, from where the reader or
 * writer stands; a range guest memory cannot view leaves the cursor where it was, so the device can copy instead;
 * a range that is not RAM fails the chain.
 */
class ChainViewsTest {
    private static final long A = TestRam.DATA + 0x1000;
    private static final long B = TestRam.DATA + 0x8000;
    private static final long C = TestRam.DATA + 0x2_0000;

    /** The tests' RAM range A, in native memory as the core's is. */
    private final HeapGuestMemory memory = new HeapGuestMemory().addDirect(TestRam.RAM_A, TestRam.RAM_A_SIZE);

    private static DescriptorChain readable(Segment... segments) {
        long total = Arrays.stream(segments).mapToLong(Segment::length).sum();
        return new DescriptorChain(3, List.of(segments), List.of(), total, 0);
    }

    private static DescriptorChain writable(Segment... segments) {
        long total = Arrays.stream(segments).mapToLong(Segment::length).sum();
        return new DescriptorChain(3, List.of(), List.of(segments), 0, total);
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    private static byte[] bytes(ByteBuffer view) {
        byte[] b = new byte[view.remaining()];
        view.duplicate().get(b);
        return b;
    }

    @Test
    void readerViewsStartWhereReadingStoppedAndAreReadOnly() throws Exception {
        memory.write(A, pattern(100, 1), 0, 100);
        memory.write(B, pattern(300, 2), 0, 300);
        memory.write(C, pattern(50, 3), 0, 50);
        ChainReader reader = new ChainReader(memory,
                readable(new Segment(A, 100), new Segment(B, 300), new Segment(C, 50)));
        reader.readFully(new byte[16]);
        ByteBuffer[] views = reader.views(400);
        assertEquals(3, views.length);
        assertArrayEquals(Arrays.copyOfRange(pattern(100, 1), 16, 100), bytes(views[0]));
        assertArrayEquals(pattern(300, 2), bytes(views[1]));
        assertArrayEquals(Arrays.copyOf(pattern(50, 3), 16), bytes(views[2]));
        assertTrue(views[0].isDirect() && views[0].isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> views[1].put(0, (byte) 1));
        assertEquals(416, reader.position());
        byte[] rest = new byte[34];
        assertEquals(34, reader.read(rest, 0, 34));
        assertArrayEquals(Arrays.copyOfRange(pattern(50, 3), 16, 50), rest);
    }

    @Test
    void writerViewsShareGuestMemoryAndCountAsWritten() throws Exception {
        ChainWriter writer = new ChainWriter(memory, writable(new Segment(A, 512), new Segment(B, 1024)));
        ByteBuffer[] views = writer.views(1535);
        assertEquals(1535, writer.written());
        assertEquals(2, views.length);
        views[0].put(pattern(512, 4));
        views[1].put(pattern(1023, 5));
        assertArrayEquals(pattern(512, 4), guest(A, 512));
        assertArrayEquals(pattern(1023, 5), guest(B, 1023));
        assertEquals(1, writer.write(new byte[] {0x55}, 0, 1));
        assertEquals(0x55, memory.readByte(B + 1023));
    }

    @Test
    void aRangeMemoryCannotViewLeavesTheCursorForACopy() throws Exception {
        memory.mappingEdge(B + 100);
        memory.write(B, pattern(300, 6), 0, 300);
        ChainReader reader = new ChainReader(memory, readable(new Segment(A, 64), new Segment(B, 300)));
        assertEquals(1, reader.views(64).length);
        assertNull(reader.views(300));
        assertEquals(64, reader.position());
        byte[] copy = new byte[300];
        assertEquals(300, reader.read(copy, 0, 300));
        assertArrayEquals(pattern(300, 6), copy);
        ChainWriter writer = new ChainWriter(memory, writable(new Segment(B, 300)));
        assertNull(writer.views(300));
        assertEquals(0, writer.written());
        assertEquals(1, writer.views(100).length);
        assertEquals(1, writer.views(200).length);
    }

    @Test
    void moreThanTheChainHoldsOrNoLongerRamFailsTheChain() throws Exception {
        ChainReader reader = new ChainReader(memory, readable(new Segment(A, 64)));
        VirtqueueException e = assertThrows(VirtqueueException.class, () -> reader.views(65));
        assertEquals(VirtqueueError.CHAIN_TOO_SHORT, e.error());
        assertThrows(VirtqueueException.class, () -> reader.views(-1));
        assertEquals(0, reader.position());
        assertEquals(0, reader.views(0).length);
        // Popping checked this segment; RAM that changed since then must fail the chain, not reach a view.
        ChainWriter writer = new ChainWriter(memory,
                writable(new Segment(A, 64), new Segment(TestRam.RAM_A_END - 16, 32)));
        e = assertThrows(VirtqueueException.class, () -> writer.views(96));
        assertEquals(VirtqueueError.CHAIN_FAULT, e.error());
        assertTrue(e.queueUsable());
        assertEquals(0, writer.written());
    }

    private byte[] guest(long address, int length) {
        byte[] b = new byte[length];
        memory.read(address, b, 0, length);
        return b;
    }
}
