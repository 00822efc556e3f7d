package io.modvm.virtio.queue;

import static io.modvm.virtio.queue.TestRam.DATA;
import static io.modvm.virtio.queue.TestRam.INDIRECT;
import static io.modvm.virtio.queue.TestRam.RAM_B;
import static io.modvm.virtio.queue.TestRam.RINGS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Well-formed traffic: requests go from a Linux-like driver through the queue and back. */
class SplitVirtqueueTest {
    private static final int RAM_B_LAST_4 = TestRam.RAM_B_SIZE - 4;

    private final StrictGuestMemory memory = TestRam.create();

    private SplitVirtqueue queue(TestDriver driver) throws VirtqueueException {
        return SplitVirtqueue.create(memory, driver.config());
    }

    private void put(long address, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        memory.write(address, b, 0, b.length);
    }

    private String get(long address, int length) {
        byte[] b = new byte[length];
        memory.read(address, b, 0, length);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** A device that answers each request with its readable bytes upper-cased. */
    private static long echoUpper(StrictGuestMemory memory, DescriptorChain chain) throws VirtqueueException {
        byte[] request = new byte[(int) chain.readableLength()];
        new ChainReader(memory, chain).readFully(request);
        byte[] reply = new String(request, StandardCharsets.US_ASCII).toUpperCase()
                .getBytes(StandardCharsets.US_ASCII);
        ChainWriter writer = new ChainWriter(memory, chain);
        writer.write(reply, 0, reply.length);
        return writer.written();
    }

    @Test
    void emptyQueuePopsNothing() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 16, false, false, INDIRECT);
        assertTrue(queue(driver).pop().isEmpty());
    }

    @Test
    void requestRoundTrip() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 16, false, false, INDIRECT);
        SplitVirtqueue queue = queue(driver);
        put(DATA, "hello");
        int head = driver.add(List.of(new Buf(DATA, 5)), List.of(new Buf(DATA + 0x100, 16)));

        DescriptorChain chain = queue.pop().orElseThrow();
        assertEquals(head, chain.head());
        assertEquals(List.of(new Segment(DATA, 5)), chain.readable());
        assertEquals(List.of(new Segment(DATA + 0x100, 16)), chain.writable());
        queue.push(chain, echoUpper(memory, chain));
        assertTrue(queue.pop().isEmpty());

        assertEquals(new Used(head, 5), driver.getBuf().orElseThrow());
        assertEquals("HELLO", get(DATA + 0x100, 5));
        assertEquals(16, driver.numFree());
    }

    @Test
    void multiDescriptorChainKeepsOrderAcrossSegments() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 16, false, false, INDIRECT);
        SplitVirtqueue queue = queue(driver);
        put(DATA, "ab");
        put(DATA + 0x40, "cde");
        put(RAM_B, "f");
        driver.add(List.of(new Buf(DATA, 2), new Buf(DATA + 0x40, 3), new Buf(RAM_B, 1)),
                List.of(new Buf(DATA + 0x200, 1), new Buf(RAM_B + 0x100, 4), new Buf(DATA + 0x300, 8)));

        DescriptorChain chain = queue.pop().orElseThrow();
        assertEquals(3, chain.readable().size());
        assertEquals(3, chain.writable().size());
        assertEquals(6, chain.readableLength());
        assertEquals(13, chain.writableLength());
        assertEquals(6, echoUpper(memory, chain));
        assertEquals("A", get(DATA + 0x200, 1));
        assertEquals("BCDE", get(RAM_B + 0x100, 4));
        assertEquals("F", get(DATA + 0x300, 1));
    }

    @Test
    void indirectTableRoundTrip() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 16, false, true, INDIRECT);
        SplitVirtqueue queue = queue(driver);
        put(DATA, "xy");
        put(DATA + 0x10, "z");
        int head = driver.addIndirect(List.of(new Buf(DATA, 2), new Buf(DATA + 0x10, 1)),
                List.of(new Buf(DATA + 0x100, 2), new Buf(DATA + 0x180, 2)));
        assertEquals(15, driver.numFree());

        DescriptorChain chain = queue.pop().orElseThrow();
        assertEquals(head, chain.head());
        assertEquals(List.of(new Segment(DATA, 2), new Segment(DATA + 0x10, 1)), chain.readable());
        assertEquals(List.of(new Segment(DATA + 0x100, 2), new Segment(DATA + 0x180, 2)), chain.writable());
        queue.push(chain, echoUpper(memory, chain));
        assertEquals(new Used(head, 3), driver.getBuf().orElseThrow());
        assertEquals("XY", get(DATA + 0x100, 2));
        assertEquals("Z", get(DATA + 0x180, 1));
        assertEquals(16, driver.numFree());
    }

    @Test
    void directDescriptorsMayPrecedeOneIndirectTable() throws Exception {
        // 2.7.5.3.2: "zero or more normal chained descriptors followed by a single descriptor with INDIRECT".
        TestDriver driver = new TestDriver(memory, RINGS, 16, false, true, INDIRECT);
        SplitVirtqueue queue = queue(driver);
        long table = driver.indirectTable(0);
        driver.writeDescriptorAt(table, 0, DATA + 0x10, 4, SplitRing.DESC_F_NEXT, 1);
        driver.writeDescriptorAt(table, 1, DATA + 0x20, 8, SplitRing.DESC_F_WRITE, 0);
        driver.writeDescriptor(3, DATA, 4, SplitRing.DESC_F_NEXT, 7);
        // The WRITE flag on the descriptor naming the table must be ignored.
        driver.writeDescriptor(7, table, 32, SplitRing.DESC_F_INDIRECT | SplitRing.DESC_F_WRITE, 0);
        driver.publishRaw(3);

        DescriptorChain chain = queue.pop().orElseThrow();
        assertEquals(List.of(new Segment(DATA, 4), new Segment(DATA + 0x10, 4)), chain.readable());
        assertEquals(List.of(new Segment(DATA + 0x20, 8)), chain.writable());
    }

    @Test
    void zeroLengthDescriptorsBecomeNoSegment() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, false, false, INDIRECT);
        SplitVirtqueue queue = queue(driver);
        // A zero-length buffer's address is never accessed, so even one in the hole is harmless.
        driver.writeDescriptor(0, TestRam.HOLE, 0, SplitRing.DESC_F_NEXT, 1);
        driver.writeDescriptor(1, DATA, 4, 0, 0);
        driver.publishRaw(0);
        DescriptorChain chain = queue.pop().orElseThrow();
        assertEquals(List.of(new Segment(DATA, 4)), chain.readable());
        assertTrue(chain.writable().isEmpty());
    }

    @Test
    void sixteenBitIndexesWrapAroundOverManyRequests() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, false, false, INDIRECT);
        SplitVirtqueue queue = queue(driver);
        runTraffic(driver, queue, 70_000);
        assertEquals(70_000 & 0xFFFF, queue.nextAvailIndex());
        assertEquals(70_000 & 0xFFFF, queue.nextUsedIndex());
    }

    @Test
    void indexesWrapFromARestoredState() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 16, true, true, INDIRECT, 0xFFF5);
        SplitVirtqueue queue = queue(driver);
        queue.restore(0xFFF5, 0xFFF5);
        runTraffic(driver, queue, 40);
        assertEquals((0xFFF5 + 40) & 0xFFFF, queue.nextAvailIndex());
        assertEquals((0xFFF5 + 40) & 0xFFFF, driver.usedIdx());
    }

    /**
     * Runs {@code total} one-byte requests in batches of varying size, completing each batch out of order, and
     * checks every completion against what was sent.
     */
    private void runTraffic(TestDriver driver, SplitVirtqueue queue, int total) throws VirtqueueException {
        int sent = 0;
        int completed = 0;
        int batch = 1;
        Deque<DescriptorChain> popped = new ArrayDeque<>();
        while (completed < total) {
            for (int i = 0; i < batch && sent < total && driver.numFree() >= 2; i++, sent++) {
                long in = DATA + 64L * (sent % 1024);
                memory.writeByte(in, (byte) ('a' + sent % 26));
                if (sent % 3 == 0 && driver.config().indirectDesc()) {
                    driver.addIndirect(List.of(new Buf(in, 1)), List.of(new Buf(in + 8, 1)));
                } else {
                    driver.add(List.of(new Buf(in, 1)), List.of(new Buf(in + 8, 1)));
                }
            }
            for (DescriptorChain c = queue.pop().orElse(null); c != null; c = queue.pop().orElse(null)) {
                popped.push(c);
            }
            while (!popped.isEmpty()) {
                DescriptorChain c = popped.pop();
                queue.push(c, echoUpper(memory, c));
            }
            for (Used u = driver.getBuf().orElse(null); u != null; u = driver.getBuf().orElse(null)) {
                assertEquals(1, u.length());
                completed++;
            }
            batch = batch % 8 + 1;
        }
        assertEquals(total, sent);
        assertEquals(driver.config().size(), driver.numFree());
    }

    @Test
    void largestQueueSizeIsAccepted() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 32768, true, false, INDIRECT);
        SplitVirtqueue queue = queue(driver);
        put(DATA, "q");
        driver.add(List.of(new Buf(DATA, 1)), List.of());
        assertEquals(1, queue.pop().orElseThrow().readableLength());
    }

    @Test
    void invalidConfigurationsAreRefused() {
        long a = RINGS;
        assertConfig(VirtqueueError.BAD_QUEUE_SIZE, new QueueConfig(0, a, a + 0x1000, a + 0x2000, false, false));
        assertConfig(VirtqueueError.BAD_QUEUE_SIZE, new QueueConfig(-8, a, a + 0x1000, a + 0x2000, false, false));
        assertConfig(VirtqueueError.BAD_QUEUE_SIZE, new QueueConfig(24, a, a + 0x1000, a + 0x2000, false, false));
        assertConfig(VirtqueueError.BAD_QUEUE_SIZE, new QueueConfig(65536, a, a + 0x1000, a + 0x2000, false, false));
        assertConfig(VirtqueueError.RING_MISALIGNED, new QueueConfig(8, a + 8, a + 0x1000, a + 0x2000, false, false));
        assertConfig(VirtqueueError.RING_MISALIGNED, new QueueConfig(8, a, a + 0x1001, a + 0x2000, false, false));
        assertConfig(VirtqueueError.RING_MISALIGNED, new QueueConfig(8, a, a + 0x1000, a + 0x2002, false, false));
        assertConfig(VirtqueueError.RING_OUTSIDE_RAM, new QueueConfig(8, 0, a + 0x1000, a + 0x2000, false, false));
        assertConfig(VirtqueueError.RING_OUTSIDE_RAM,
                new QueueConfig(8, TestRam.RAM_A_END - 0x40, a + 0x1000, a + 0x2000, false, false));
        assertConfig(VirtqueueError.RING_OUTSIDE_RAM,
                new QueueConfig(8, a, a + 0x1000, -0x40, false, false));
        // The trailing used_event word exists only with EVENT_IDX: a ring ending exactly at RAM's end is fine
        // without it and outside RAM with it.
        long availAtEnd = TestRam.RAM_B_END - (4 + 2 * 8);
        assertDoesNotThrow(() -> SplitVirtqueue.create(memory, new QueueConfig(8, a, availAtEnd, a + 0x2000, false,
                false)));
        assertConfig(VirtqueueError.RING_OUTSIDE_RAM, new QueueConfig(8, a, availAtEnd, a + 0x2000, true, false));
    }

    private void assertConfig(VirtqueueError expected, QueueConfig config) {
        VirtqueueException e = assertThrows(VirtqueueException.class, () -> SplitVirtqueue.create(memory, config));
        assertEquals(expected, e.error());
        assertEquals(VirtqueueError.Scope.CONFIG, e.error().scope());
        assertTrue(e.head().isEmpty());
    }

    @Test
    void deviceMistakesAreProgrammingErrors() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, false, false, INDIRECT);
        SplitVirtqueue queue = queue(driver);
        assertThrows(IllegalStateException.class, () -> queue.push(0, 0));
        driver.add(List.of(), List.of(new Buf(DATA, 4)));
        DescriptorChain chain = queue.pop().orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> queue.push(8, 0));
        assertThrows(IllegalArgumentException.class, () -> queue.push(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> queue.push(0, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> queue.push(chain, 5));
        assertThrows(IllegalArgumentException.class, () -> queue.restore(0x10000, 0));
        queue.push(chain, 4);
        assertEquals(new Used(chain.head(), 4), driver.getBuf().orElseThrow());
    }

    @Test
    void readerAndWriterStayWithinTheChain() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, false, false, INDIRECT);
        SplitVirtqueue queue = queue(driver);
        put(DATA, "0123");
        put(RAM_B + RAM_B_LAST_4, "4567");
        memory.fill(DATA + 0x100, 16, (byte) '.');
        driver.add(List.of(new Buf(DATA, 4), new Buf(RAM_B + RAM_B_LAST_4, 4)),
                List.of(new Buf(DATA + 0x100, 3), new Buf(DATA + 0x108, 3)));
        DescriptorChain chain = queue.pop().orElseThrow();

        ChainReader reader = new ChainReader(memory, chain);
        assertEquals(3, reader.skip(3));
        byte[] buffer = new byte[10];
        assertEquals(5, reader.read(buffer, 0, 10));
        assertEquals("34567", new String(buffer, 0, 5, StandardCharsets.US_ASCII));
        assertEquals(0, reader.read(buffer, 0, 10));
        assertEquals(0, reader.remaining());
        VirtqueueException shortRead = assertThrows(VirtqueueException.class,
                () -> new ChainReader(memory, chain).readFully(new byte[9]));
        assertEquals(VirtqueueError.CHAIN_TOO_SHORT, shortRead.error());
        assertEquals(chain.head(), shortRead.head().getAsInt());

        ByteBuffer direct = ByteBuffer.allocateDirect(6);
        assertEquals(6, new ChainReader(memory, chain).read(direct));
        assertEquals('5', direct.get(5));

        ChainWriter writer = new ChainWriter(memory, chain);
        ByteBuffer source = ByteBuffer.allocateDirect(10);
        source.put("ABCDEFGHIJ".getBytes(StandardCharsets.US_ASCII)).flip();
        assertEquals(6, writer.write(source));
        assertEquals(4, source.remaining(), "what did not fit stays in the source");
        assertEquals(0, writer.write(new byte[] {1}, 0, 1));
        assertEquals(6, writer.written());
        byte[] written = new byte[16];
        memory.read(DATA + 0x100, written, 0, 16);
        assertArrayEquals("ABC.....DEF.....".getBytes(StandardCharsets.US_ASCII), written);
    }

    @Test
    void resetForgetsDeviceState() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, false, false, INDIRECT);
        SplitVirtqueue queue = queue(driver);
        driver.add(List.of(new Buf(DATA, 1)), List.of());
        queue.pop().orElseThrow();
        queue.reset();
        assertEquals(0, queue.nextAvailIndex());
        assertEquals(0, queue.nextUsedIndex());
        assertThrows(IllegalStateException.class, () -> queue.push(0, 0));
        // The avail ring still says 1, so after the reset the device sees that entry again, as a real device would
        // if the driver did not re-initialise its rings.
        assertEquals(1, queue.pop().orElseThrow().readableLength());
    }
}
