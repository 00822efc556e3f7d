package io.modvm.virtio.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import io.modvm.virtio.queue.VirtqueueException;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The transmitq served synchronously, as its worker does after a kick. */
class ConsoleTransmitQueueTest {
    private static final long RAM = 0x10_0000;
    private static final int RAM_SIZE = 1 << 20;
    private static final long DATA = RAM + 0x8_0000;
    private static final long OUTSIDE_RAM = RAM + RAM_SIZE + 0x1000;

    private final StrictGuestMemory memory = new StrictGuestMemory(new HeapGuestMemory().add(RAM, RAM_SIZE));
    private final TestDriver driver = new TestDriver(memory, RAM, 16, true, true, RAM + 0x1_0000);
    private final RecordingBackend backend = new RecordingBackend();
    private final SplitVirtqueue queue;
    private final FakeActivation activation;
    private final ConsoleTransmitQueue tx;
    private long next = DATA;

    ConsoleTransmitQueueTest() throws VirtqueueException {
        queue = SplitVirtqueue.create(memory, driver.config());
        activation = new FakeActivation(memory, 0, null, queue);
        tx = new ConsoleTransmitQueue(activation, backend, new ResetLatch(activation), new GuestErrorLog("con0"));
    }

    private Buf text(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        memory.write(next, bytes, 0, bytes.length);
        Buf b = new Buf(next, bytes.length);
        next += bytes.length + 64;
        return b;
    }

    @Test
    void outputArrivesInRingOrderAcrossChainsSegmentsAndIndirectTables() {
        int a = driver.add(List.of(text("hello ")), List.of());
        int b = driver.add(List.of(text("wor"), text("ld")), List.of());
        int c = driver.addIndirect(List.of(text(", "), text("indirect"), text("\n")), List.of());
        tx.serve();
        assertEquals("hello world, indirect\n", backend.output());
        assertEquals(Optional.of(new Used(a, 0)), driver.getBuf());
        assertEquals(Optional.of(new Used(b, 0)), driver.getBuf());
        assertEquals(Optional.of(new Used(c, 0)), driver.getBuf());
        assertEquals(1, activation.interrupts(ConsoleTransmitQueue.INDEX));
        assertEquals(List.of(), activation.resetRequests());
    }

    @Test
    void afterEachDrainTheDriverIsAskedToKickForItsNextRequest() {
        driver.add(List.of(text("one ")), List.of());
        assertTrue(driver.kickPrepare());
        tx.serve();
        for (String word : List.of("two ", "three")) {
            driver.add(List.of(text(word)), List.of());
            assertTrue(driver.kickPrepare(), "under EVENT_IDX the driver would not kick for '" + word + "'");
            tx.serve();
        }
        assertEquals("one two three", backend.output());
    }

    @Test
    void writableBuffersInATransmitChainAreLeftAlone() {
        Buf in = new Buf(DATA + 0x4000, 8);
        memory.fill(in.address(), 8, (byte) 0x5a);
        int head = driver.add(List.of(text("x")), List.of(in));
        tx.serve();
        assertEquals("x", backend.output());
        assertEquals(Optional.of(new Used(head, 0)), driver.getBuf());
        assertEquals(0x5a, memory.readByte(in.address() + 7));
    }

    @Test
    void aChainOutsideRamFailsOnlyItsOwnRequest() {
        int bad = driver.add(List.of(new Buf(OUTSIDE_RAM, 16)), List.of());
        int good = driver.add(List.of(text("still here")), List.of());
        tx.serve();
        assertEquals("still here", backend.output());
        assertEquals(Optional.of(new Used(bad, 0)), driver.getBuf());
        assertEquals(Optional.of(new Used(good, 0)), driver.getBuf());
        assertEquals(List.of(), activation.resetRequests());
    }

    @Test
    void aBrokenRingAsksForOneResetAndTheQueueIsLeftAlone() {
        driver.add(List.of(text("never sent")), List.of());
        driver.setAvailIdx(16 + 5);
        tx.serve();
        assertEquals(1, activation.resetRequests().size());
        assertTrue(activation.resetRequests().get(0).contains("AVAIL_INDEX_JUMP"),
                activation.resetRequests()::toString);
        driver.setAvailIdx(1);
        long accesses = memory.accesses();
        byte[] ram = memory.contents(RAM, RAM_SIZE);
        tx.serve();
        assertEquals(accesses, memory.accesses(), "a device that needs a reset touched its queue");
        assertArrayEquals(ram, memory.contents(RAM, RAM_SIZE), "a device that needs a reset wrote to guest RAM");
        assertEquals("", backend.output());
        assertEquals(1, activation.resetRequests().size());
    }

    @Test
    void aFailingBackendStillCompletesTheRequest() {
        CharBackend failing = new CharBackend() {
            @Override
            public void write(byte[] data, int offset, int length) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public void attach(CharReceiver receiver) {
            }

            @Override
            public void receiverReady() {
            }
        };
        ConsoleTransmitQueue broken = new ConsoleTransmitQueue(activation, failing, new ResetLatch(activation),
                new GuestErrorLog("con0"));
        int head = driver.add(List.of(text("lost")), List.of());
        broken.serve();
        assertEquals(Optional.of(new Used(head, 0)), driver.getBuf());
    }
}
