package io.modvm.virtio.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The receiveq served synchronously, as its worker does after a kick or a wake. */
class ConsoleReceiveQueueTest {
    private static final long RAM = 0x10_0000;
    private static final int RAM_SIZE = 1 << 20;
    private static final long DATA = RAM + 0x8_0000;
    private static final long OUTSIDE_RAM = RAM + RAM_SIZE;

    private final StrictGuestMemory memory = new StrictGuestMemory(new HeapGuestMemory().add(RAM, RAM_SIZE));
    private final TestDriver driver = new TestDriver(memory, RAM, 16, false, true, RAM + 0x1_0000);
    private final ByteRing input = new ByteRing(64);
    private final FakeActivation activation;
    private final ConsoleReceiveQueue rx;
    private int taken;

    ConsoleReceiveQueueTest() throws VirtqueueException {
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        activation = new FakeActivation(memory, 0, queue, null);
        rx = new ConsoleReceiveQueue(activation, input, () -> taken++, new ResetLatch(activation),
                new GuestErrorLog("con0"));
    }

    private void type(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(bytes.length, input.offer(bytes, 0, bytes.length));
    }

    private String guestText(long address, int length) {
        byte[] bytes = new byte[length];
        memory.read(address, bytes, 0, length);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void inputFillsThePostedBuffersInOrder() {
        int a = driver.add(List.of(), List.of(new Buf(DATA, 4)));
        int b = driver.add(List.of(), List.of(new Buf(DATA + 0x100, 2), new Buf(DATA + 0x200, 8)));
        type("abcdefgh");
        rx.serve();
        assertEquals(Optional.of(new Used(a, 4)), driver.getBuf());
        assertEquals(Optional.of(new Used(b, 4)), driver.getBuf());
        assertEquals("abcd", guestText(DATA, 4));
        assertEquals("ef", guestText(DATA + 0x100, 2));
        assertEquals("gh", guestText(DATA + 0x200, 2));
        assertEquals(0, input.size());
        assertEquals(1, taken, "the backend was not told that room came free");
        assertEquals(1, activation.interrupts(ConsoleReceiveQueue.INDEX));
    }

    @Test
    void inputWaitsForTheGuestToPostBuffers() {
        type("early");
        rx.serve();
        assertEquals(5, input.size());
        assertEquals(0, taken);
        int head = driver.add(List.of(), List.of(new Buf(DATA, 64)));
        rx.serve();
        assertEquals(Optional.of(new Used(head, 5)), driver.getBuf());
        assertEquals("early", guestText(DATA, 5));
        assertEquals(0, input.size());
    }

    @Test
    void postedBuffersWaitForInput() {
        int head = driver.addIndirect(List.of(), List.of(new Buf(DATA, 16)));
        rx.serve();
        assertEquals(Optional.empty(), driver.getBuf());
        assertEquals(0, driver.usedIdx());
        type("late");
        rx.serve();
        assertEquals(Optional.of(new Used(head, 4)), driver.getBuf());
        assertEquals("late", guestText(DATA, 4));
    }

    @Test
    void inputWaitingForABufferMakesTheDriverKickForItsNextOne() throws VirtqueueException {
        TestDriver eventIdx = new TestDriver(memory, RAM + 0x2_0000, 8, true, false, 0);
        FakeActivation second = new FakeActivation(memory, 0, SplitVirtqueue.create(memory, eventIdx.config()), null);
        ConsoleReceiveQueue queue = new ConsoleReceiveQueue(second, input, () -> taken++, new ResetLatch(second),
                new GuestErrorLog("con1"));
        for (int i = 0; i < 3; i++) {
            type("k" + i);
            queue.serve(); // the wake for new input finds no buffer
            int head = eventIdx.add(List.of(), List.of(new Buf(DATA + 0x100 * i, 2)));
            assertTrue(eventIdx.kickPrepare(), "under EVENT_IDX the driver would not kick for buffer " + i);
            queue.serve();
            assertEquals(Optional.of(new Used(head, 2)), eventIdx.getBuf());
        }
    }

    @Test
    void inputBeyondThePostedBuffersStaysForTheNextOnes() {
        driver.add(List.of(), List.of(new Buf(DATA, 3)));
        type("0123456789");
        rx.serve();
        assertEquals(7, input.size());
        byte[] rest = new byte[7];
        input.peek(rest, 0, 7);
        assertArrayEquals("3456789".getBytes(StandardCharsets.ISO_8859_1), rest);
    }

    @Test
    void malformedChainsFailAloneAndTheInputGoesToTheNextGoodBuffer() {
        int outside = driver.add(List.of(), List.of(new Buf(OUTSIDE_RAM - 2, 4)));
        int readOnly = driver.add(List.of(new Buf(DATA, 4)), List.of());
        int good = driver.add(List.of(), List.of(new Buf(DATA + 0x400, 8)));
        type("kept");
        rx.serve();
        assertEquals(Optional.of(new Used(outside, 0)), driver.getBuf());
        assertEquals(Optional.of(new Used(readOnly, 0)), driver.getBuf());
        assertEquals(Optional.of(new Used(good, 4)), driver.getBuf());
        assertEquals("kept", guestText(DATA + 0x400, 4));
        assertEquals(List.of(), activation.resetRequests());
    }

    @Test
    void aHeadOutsideTheTableAsksForAReset() {
        driver.publishRaw(16);
        type("x");
        rx.serve();
        assertEquals(1, activation.resetRequests().size());
        assertEquals(1, input.size(), "input must survive a broken queue for the driver's next start");
    }
}
