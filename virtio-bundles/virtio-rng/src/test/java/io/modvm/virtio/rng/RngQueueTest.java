package io.modvm.virtio.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import io.modvm.virtio.queue.VirtqueueException;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The requestq served synchronously, with a clock the test moves. */
class RngQueueTest {
    private static final long RAM = 0x10_0000;
    private static final int RAM_SIZE = 1 << 20;
    private static final long DATA = RAM + 0x4_0000;
    private static final long OUTSIDE_RAM = RAM + RAM_SIZE;

    private final StrictGuestMemory memory = new StrictGuestMemory(new HeapGuestMemory().add(RAM, RAM_SIZE));
    private final TestDriver driver = new TestDriver(memory, RAM, 16, true, true, RAM + 0x1_0000);
    private final List<Long> wakes = new ArrayList<>();
    private FakeActivation activation;
    private long now = 5_000_000_000L;

    /** Counts up from 1, so every byte's origin is known. */
    private static final class CountingSource implements EntropySource {
        private byte next = 1;

        @Override
        public void fill(ByteBuffer buffer) {
            while (buffer.hasRemaining()) {
                buffer.put(next++);
            }
        }

        @Override
        public void close() {
        }
    }

    private RngQueue requests(EntropySource source, long maxBytes, long periodNanos)
            throws VirtqueueException {
        activation = new FakeActivation(memory, 0, SplitVirtqueue.create(memory, driver.config()));
        return new RngQueue(activation, source, new RateLimit(maxBytes, periodNanos, () -> now), wakes::add,
                new GuestErrorLog("virtio-rng test"));
    }

    /** The reasons of the device's reset requests. */
    private List<String> resets() {
        return activation.resetRequests();
    }

    private byte[] guest(long address, int length) {
        byte[] bytes = new byte[length];
        memory.read(address, bytes, 0, length);
        return bytes;
    }

    @Test
    void hostEntropyFillsEveryWritableBuffer() throws Exception {
        try (UrandomSource urandom = UrandomSource.open(UrandomSource.URANDOM)) {
            RngQueue rq = requests(urandom, Long.MAX_VALUE, 1);
            int head = driver.add(List.of(), List.of(new Buf(DATA, 64), new Buf(DATA + 0x1000, 64)));
            rq.serve();
            assertEquals(Optional.of(new Used(head, 128)), driver.getBuf());
            Set<Byte> distinct = new HashSet<>();
            for (byte b : guest(DATA, 64)) {
                distinct.add(b);
            }
            for (byte b : guest(DATA + 0x1000, 64)) {
                distinct.add(b);
            }
            // 128 random bytes with fewer than 16 distinct values happens with probability below 1e-80.
            assertTrue(distinct.size() >= 16, "entropy looks constant: " + distinct);
            assertEquals(1, activation.interrupts(RngQueue.INDEX));
        }
    }

    @Test
    void bytesGoIntoTheSegmentsInOrderAndReadableBuffersAreNotTouched() throws Exception {
        RngQueue rq = requests(new CountingSource(), Long.MAX_VALUE, 1);
        memory.fill(DATA, 4, (byte) 0x77);
        int head = driver.addIndirect(List.of(new Buf(DATA, 4)), List.of(new Buf(DATA + 0x100, 3),
                new Buf(DATA + 0x200, 2)));
        rq.serve();
        assertEquals(Optional.of(new Used(head, 5)), driver.getBuf());
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), toList(guest(DATA + 0x100, 3)));
        assertEquals(List.of((byte) 4, (byte) 5), toList(guest(DATA + 0x200, 2)));
        assertEquals(List.of((byte) 0x77, (byte) 0x77, (byte) 0x77, (byte) 0x77), toList(guest(DATA, 4)));
    }

    @Test
    void afterEachDrainTheDriverIsAskedToKickForItsNextRequest() throws Exception {
        RngQueue rq = requests(new CountingSource(), Long.MAX_VALUE, 1);
        for (int i = 0; i < 3; i++) {
            int head = driver.add(List.of(), List.of(new Buf(DATA + 0x100 * i, 4)));
            assertTrue(driver.kickPrepare(), "under EVENT_IDX the driver would not kick for request " + i);
            rq.serve();
            assertEquals(Optional.of(new Used(head, 4)), driver.getBuf());
        }
    }

    @Test
    void aHugeBufferGetsAtMostTheRequestCap() throws Exception {
        RngQueue rq = requests(new CountingSource(), Long.MAX_VALUE, 1);
        int head = driver.add(List.of(), List.of(new Buf(DATA, 3 * RngQueue.MAX_PER_REQUEST)));
        rq.serve();
        assertEquals(Optional.of(new Used(head, RngQueue.MAX_PER_REQUEST)), driver.getBuf());
    }

    @Test
    void theRateLimitHoldsRequestsUntilThePeriodEnds() throws Exception {
        RngQueue rq = requests(new CountingSource(), 100, 1_000_000_000L);
        int a = driver.add(List.of(), List.of(new Buf(DATA, 64)));
        int b = driver.add(List.of(), List.of(new Buf(DATA + 0x100, 64)));
        int c = driver.add(List.of(), List.of(new Buf(DATA + 0x200, 64)));
        rq.serve();
        assertEquals(Optional.of(new Used(a, 64)), driver.getBuf());
        assertEquals(Optional.of(new Used(b, 36)), driver.getBuf());
        assertEquals(Optional.empty(), driver.getBuf(), "a request was served beyond the quota");
        assertEquals(List.of(1_000_000_000L), wakes, "no wake-up asked for the end of the period");

        now += 999_999_999L;
        rq.serve();
        assertEquals(Optional.empty(), driver.getBuf(), "served before the period ended");
        now += 1;
        rq.serve();
        assertEquals(Optional.of(new Used(c, 64)), driver.getBuf());
    }

    @Test
    void malformedChainsFailAloneAndLaterRequestsAreServed() throws Exception {
        RngQueue rq = requests(new CountingSource(), Long.MAX_VALUE, 1);
        int outside = driver.add(List.of(), List.of(new Buf(OUTSIDE_RAM - 8, 16)));
        int readOnly = driver.add(List.of(new Buf(DATA, 8)), List.of());
        int good = driver.add(List.of(), List.of(new Buf(DATA + 0x100, 8)));
        rq.serve();
        assertEquals(Optional.of(new Used(outside, 0)), driver.getBuf());
        assertEquals(Optional.of(new Used(readOnly, 0)), driver.getBuf());
        assertEquals(Optional.of(new Used(good, 8)), driver.getBuf());
        assertEquals(List.of(), resets());
    }

    @Test
    void aBrokenRingAsksForOneResetAndIsLeftAlone() throws Exception {
        RngQueue rq = requests(new CountingSource(), Long.MAX_VALUE, 1);
        driver.publishRaw(300);
        rq.serve();
        assertEquals(1, resets().size());
        assertTrue(resets().get(0).contains("HEAD_OUT_OF_RANGE"), resets()::toString);
        driver.add(List.of(), List.of(new Buf(DATA, 8)));
        long accesses = memory.accesses();
        byte[] ram = memory.contents(RAM, RAM_SIZE);
        rq.serve();
        assertEquals(accesses, memory.accesses(), "a device that needs a reset touched its queue");
        assertArrayEquals(ram, memory.contents(RAM, RAM_SIZE), "a device that needs a reset wrote to guest RAM");
        assertEquals(1, resets().size());
    }

    @Test
    void aHostReadFailureReturnsTheRequestEmpty() throws Exception {
        EntropySource failing = new EntropySource() {
            @Override
            public void fill(ByteBuffer buffer) throws IOException {
                throw new IOException("gone");
            }

            @Override
            public void close() {
            }
        };
        RngQueue rq = requests(failing, Long.MAX_VALUE, 1);
        int head = driver.add(List.of(), List.of(new Buf(DATA, 8)));
        rq.serve();
        assertEquals(Optional.of(new Used(head, 0)), driver.getBuf());
        assertEquals(List.of(), resets());
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }
}
