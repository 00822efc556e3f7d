package io.modvm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The receiveq, transmitq and controlq served synchronously against a fake backend. */
class NetQueuesTest {
    private static final long RAM = 0x10_0000;
    private static final int RAM_SIZE = 1 << 20;
    private static final long DATA = RAM + 0x4_0000;
    private static final long MRG = 1L << VirtioNet.F_MRG_RXBUF;
    private static final byte[] MAC = {0x52, 0x54, 0, 0x12, 0x34, 0x56};

    /** Buffers across these addresses get no view of guest RAM (as across two host mappings): they are copied. */
    private static final long EDGE_A = DATA + 0x8000 + 1024;
    private static final long EDGE_B = DATA + 0x9000 + 1024;

    private final HeapGuestMemory ram = new HeapGuestMemory().add(RAM, RAM_SIZE).mappingEdge(EDGE_A)
            .mappingEdge(EDGE_B);
    private final StrictGuestMemory memory = new StrictGuestMemory(ram);
    private final TestDriver driver = new TestDriver(memory, RAM, 16, true, false, RAM + 0x1_0000);
    private final FakeBackendQueue backend = new FakeBackendQueue();
    private final NetStats stats = new NetStats();
    private final GuestErrorLog log = new GuestErrorLog("virtio-net test");
    private FakeActivation activation;
    private ResetLatch latch;
    private NetFilter filter = NetFilter.initial(MAC, false);
    private boolean link = true;

    private NetRxQueue receiver(long features, boolean vnetHeader, int frameLimit) throws Exception {
        return receiver(driver, features, vnetHeader, frameLimit);
    }

    /** A receiveq on {@code d}'s ring; its activation's latch is {@link #latch}. */
    private NetRxQueue receiver(TestDriver d, long features, boolean vnetHeader, int frameLimit) throws Exception {
        activation = new FakeActivation(memory, features, SplitVirtqueue.create(memory, d.config()));
        latch = new ResetLatch(activation);
        return new NetRxQueue("receiveq0", activation, 0, backend, vnetHeader, frameLimit, () -> filter,
                () -> link, stats, latch, log);
    }

    private static byte[] frame(byte[] dst, int length, int seed) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) {
            f[i] = (byte) (i * 31 + seed);
        }
        System.arraycopy(dst, 0, f, 0, 6);
        f[12] = 0x08;
        f[13] = 0;
        return f;
    }

    private byte[] guest(long address, int length) {
        byte[] b = new byte[length];
        memory.read(address, b, 0, length);
        return b;
    }

    private static byte[] withHeader(byte[] frame) {
        byte[] f = new byte[VirtioNet.HEADER_SIZE + frame.length];
        System.arraycopy(frame, 0, f, VirtioNet.HEADER_SIZE, frame.length);
        f[0] = 2; // DATA_VALID, as a tap with checksum offload would say
        return f;
    }

    @Test
    void aFrameSpreadsOverMergeableBuffersAndNumBuffersSaysHowMany() throws Exception {
        NetRxQueue rx = receiver(MRG, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        int[] heads = new int[6];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = driver.add(List.of(), List.of(new Buf(DATA + i * 0x1000L, 2048)));
        }
        byte[] payload = frame(MAC, 5000, 1);
        backend.incoming.add(withHeader(payload));
        assertTrue(rx.pass());
        rx.flush();
        List<Used> used = new ArrayList<>();
        for (Optional<Used> u = driver.getBuf(); u.isPresent(); u = driver.getBuf()) {
            used.add(u.get());
        }
        assertEquals(List.of(new Used(heads[0], 2048), new Used(heads[1], 2048), new Used(heads[2], 5012 - 4096)),
                used);
        byte[] header = guest(DATA, VirtioNet.HEADER_SIZE);
        assertEquals(2, header[0], "the backend's flags reach the guest");
        assertEquals(3, header[10] | header[11] << 8, "num_buffers");
        byte[] got = new byte[5000];
        System.arraycopy(guest(DATA + VirtioNet.HEADER_SIZE, 2036), 0, got, 0, 2036);
        System.arraycopy(guest(DATA + 0x1000, 2048), 0, got, 2036, 2048);
        System.arraycopy(guest(DATA + 0x2000, 916), 0, got, 4084, 916);
        assertArrayEquals(payload, got);
        assertEquals(1, stats.rxPackets.sum());
        assertTrue(activation.interrupts(0) > 0);
    }

    @Test
    void withoutMergeableBuffersATooLongFrameIsDroppedAndTheBufferKept() throws Exception {
        NetRxQueue rx = receiver(0, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        int head = driver.add(List.of(), List.of(new Buf(DATA, 1526)));
        backend.incoming.add(withHeader(frame(MAC, 3000, 2)));
        backend.incoming.add(withHeader(frame(MAC, 1000, 3)));
        assertTrue(rx.pass());
        assertEquals(1, stats.rxDropped.sum());
        assertTrue(driver.getBuf().isEmpty(), "the buffer waits for a frame that fits");
        assertTrue(rx.pass());
        rx.flush();
        assertEquals(Optional.of(new Used(head, 1012)), driver.getBuf());
        assertEquals(1, guest(DATA + 10, 1)[0], "num_buffers is 1 without mergeable buffers");
    }

    @Test
    void aBackendWithoutTheHeaderGetsAZeroHeaderWritten() throws Exception {
        NetRxQueue rx = receiver(MRG, false, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        memory.write(DATA, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, 0, 12);
        int head = driver.add(List.of(), List.of(new Buf(DATA, 2048)));
        byte[] payload = frame(MAC, 100, 4);
        backend.incoming.add(payload);
        assertTrue(rx.pass());
        rx.flush();
        assertEquals(Optional.of(new Used(head, 112)), driver.getBuf());
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, guest(DATA, 12));
        assertArrayEquals(payload, guest(DATA + 12, 100));
    }

    @Test
    void aFrameTheFilterTurnsAwayLeavesItsBufferForTheNext() throws Exception {
        filter = filter.withMode(VirtioNet.CTRL_RX_PROMISC, false);
        NetRxQueue rx = receiver(MRG, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        int head = driver.add(List.of(), List.of(new Buf(DATA, 2048)));
        backend.incoming.add(withHeader(frame(new byte[] {0x52, 0x54, 0, 1, 1, 1}, 80, 5)));
        backend.incoming.add(withHeader(frame(MAC, 90, 6)));
        assertTrue(rx.pass());
        assertEquals(1, stats.rxFiltered.sum());
        assertTrue(rx.pass());
        rx.flush();
        assertEquals(Optional.of(new Used(head, 102)), driver.getBuf());
    }

    @Test
    void aBufferTooSmallForTheHeaderGoesBackUnused() throws Exception {
        NetRxQueue rx = receiver(MRG, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        int small = driver.add(List.of(), List.of(new Buf(DATA, 8)));
        int good = driver.add(List.of(), List.of(new Buf(DATA + 0x1000, 2048)));
        backend.incoming.add(withHeader(frame(MAC, 60, 7)));
        assertTrue(rx.pass());
        rx.flush();
        assertEquals(Optional.of(new Used(small, 0)), driver.getBuf());
        assertEquals(Optional.of(new Used(good, 72)), driver.getBuf());
        assertTrue(log.seen("receiveq0 buffer"));
    }

    /**
     * Holding the buffer it needs, the receiveq asks the driver not to kick (VIRTQ_USED_F_NO_NOTIFY): it reads the ring
     * anyway, and every kick is a VM exit. Wanting a buffer and finding the ring empty, it asks for kicks again.
     */
    @Test
    void theDriverIsAskedToKickOnlyWhileTheReceiveqWantsBuffers() throws Exception {
        TestDriver plain = new TestDriver(memory, RAM, 16, false, false, RAM + 0x1_0000);
        NetRxQueue rx = receiver(plain, 0, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        int first = plain.add(List.of(), List.of(new Buf(DATA, 2048)));
        int second = plain.add(List.of(), List.of(new Buf(DATA + 0x1000, 2048)));
        assertFalse(rx.pass(), "no frame yet");
        assertEquals(1, plain.usedFlags(), "holding a buffer: no kicks, please");
        backend.incoming.add(withHeader(frame(MAC, 60, 10)));
        assertTrue(rx.pass());
        assertFalse(rx.pass(), "takes the second buffer");
        assertEquals(1, plain.usedFlags());
        backend.incoming.add(withHeader(frame(MAC, 60, 11)));
        assertTrue(rx.pass());
        assertFalse(rx.pass(), "the ring is empty now");
        assertEquals(0, plain.usedFlags(), "wanting buffers: kick when you add one");
        rx.flush();
        assertEquals(Optional.of(new Used(first, 72)), plain.getBuf());
        assertEquals(Optional.of(new Used(second, 72)), plain.getBuf());
        plain.add(List.of(), List.of(new Buf(DATA, 2048)));
        assertTrue(plain.kickPrepare(), "the driver kicks for it");
        assertFalse(rx.pass());
        assertEquals(1, plain.usedFlags(), "holding one again");
    }

    /**
     * Stopped while it asked the driver not to kick, the receiveq asks for kicks again before what comes next (a vhost
     * datapath, another instance) takes the ring, so nobody inherits a suppression it does not know about.
     */
    @Test
    void aStoppedReceiveqLeavesKicksOnForWhatServesTheRingNext() throws Exception {
        TestDriver plain = new TestDriver(memory, RAM, 16, false, false, RAM + 0x1_0000);
        NetRxQueue rx = receiver(plain, 0, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        plain.add(List.of(), List.of(new Buf(DATA, 2048)));
        assertFalse(rx.pass());
        assertEquals(1, plain.usedFlags(), "holding a buffer: no kicks");
        rx.stop();
        rx.restoreKicks();
        assertEquals(0, plain.usedFlags(), "kicks on again for the next owner");
        assertEquals(1, rx.heldHeads().length, "the buffer is still held, for the hand-over");
    }

    /**
     * A frame longer than what the first buffers take directly goes through the spill buffer into the next held
     * buffers, here a 9000-byte one over five: only the first buffer is described to the backend for every frame.
     */
    @Test
    void aJumboFrameIsSpilledIntoTheNextMergeableBuffers() throws Exception {
        NetRxQueue rx = receiver(MRG, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        int[] heads = new int[6];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = driver.add(List.of(), List.of(new Buf(DATA + i * 0x1000L, 2048)));
        }
        byte[] payload = frame(MAC, 9000, 12);
        backend.incoming.add(withHeader(payload));
        assertTrue(rx.pass());
        rx.flush();
        byte[] got = new byte[9000];
        int at = 0;
        for (int i = 0; i < 5; i++) {
            Used u = driver.getBuf().orElseThrow();
            assertEquals(heads[i], u.head());
            int skip = i == 0 ? VirtioNet.HEADER_SIZE : 0;
            int n = (int) u.length() - skip;
            System.arraycopy(guest(DATA + i * 0x1000L + skip, n), 0, got, at, n);
            at += n;
        }
        assertEquals(9000, at);
        assertArrayEquals(payload, got);
        assertEquals(5, guest(DATA + 10, 1)[0], "num_buffers");
        assertEquals(2, backend.offeredBuffers, "the backend got the first buffer and the spill buffer");
    }

    /**
     * A buffer guest RAM gives no view for is written through guest memory: as the first of a frame (the whole frame
     * is then read into a bounce buffer and copied into as many held buffers as it needs), and as one the spill
     * buffer is copied into.
     */
    @Test
    void buffersWithoutAViewAreCopiedIntoDirectlyAndFromTheSpillBuffer() throws Exception {
        NetRxQueue rx = receiver(MRG, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        long[] at = {EDGE_A - 1024, DATA + 0x1000, DATA + 0x2000, EDGE_B - 1024};
        int[] heads = new int[at.length];
        for (int i = 0; i < at.length; i++) {
            heads[i] = driver.add(List.of(), List.of(new Buf(at[i], 2048)));
        }
        byte[] copied = frame(MAC, 3000, 14);
        byte[] spilled = frame(MAC, 3000, 15);
        backend.incoming.add(withHeader(copied));
        backend.incoming.add(withHeader(spilled));
        assertTrue(rx.pass());
        assertTrue(rx.pass());
        rx.flush();
        assertEquals(Optional.of(new Used(heads[0], 2048)), driver.getBuf());
        assertEquals(Optional.of(new Used(heads[1], 964)), driver.getBuf());
        assertEquals(Optional.of(new Used(heads[2], 2048)), driver.getBuf());
        assertEquals(Optional.of(new Used(heads[3], 964)), driver.getBuf());
        for (int f = 0; f < 2; f++) {
            byte[] got = new byte[3000];
            System.arraycopy(guest(at[2 * f] + VirtioNet.HEADER_SIZE, 2036), 0, got, 0, 2036);
            System.arraycopy(guest(at[2 * f + 1], 964), 0, got, 2036, 964);
            assertArrayEquals(f == 0 ? copied : spilled, got, "frame " + f);
            assertEquals(2, guest(at[2 * f] + 10, 1)[0], "num_buffers of frame " + f);
        }
    }

    /**
     * With fewer mergeable buffers held than the largest frame needs, the backend is offered exactly what they hold
     * (the spill buffer included): a longer frame is dropped and counted, the buffers wait for one that fits.
     */
    @Test
    void aFrameLongerThanTheHeldMergeableBuffersIsDroppedAndTheyAreKept() throws Exception {
        NetRxQueue rx = receiver(MRG, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_GSO_FRAME);
        int first = driver.add(List.of(), List.of(new Buf(DATA, 2048)));
        int second = driver.add(List.of(), List.of(new Buf(DATA + 0x1000, 2048)));
        backend.incoming.add(withHeader(frame(MAC, 5000, 16)));
        byte[] fits = frame(MAC, 4084, 17);
        backend.incoming.add(withHeader(fits));
        assertTrue(rx.pass());
        assertEquals(4096, backend.offeredBytes, "offered what the two buffers hold");
        assertEquals(1, stats.rxDropped.sum());
        assertEquals(0, stats.rxPackets.sum());
        assertTrue(rx.pass());
        rx.flush();
        assertEquals(Optional.of(new Used(first, 2048)), driver.getBuf());
        assertEquals(Optional.of(new Used(second, 2048)), driver.getBuf());
        assertArrayEquals(Arrays.copyOfRange(fits, 2036, 4084), guest(DATA + 0x1000, 2048));
        assertEquals(1, stats.rxPackets.sum());
    }

    /**
     * A backend that says it read more than it was given (a host bug) costs the frame, not the receive thread, both
     * into views of guest RAM and through the bounce buffer (the second buffer has no view).
     */
    @Test
    void aBackendOverstatingWhatItReadLosesTheFrameOnly() throws Exception {
        NetRxQueue rx = receiver(0, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        int viewed = driver.add(List.of(), List.of(new Buf(DATA, 2048)));
        int copied = driver.add(List.of(), List.of(new Buf(EDGE_A - 1024, 2048)));
        for (int f = 0; f < 4; f++) {
            backend.overstate = f % 2 == 0 ? 4000 : 0;
            backend.incoming.add(withHeader(frame(MAC, 100, 18 + f)));
            assertTrue(rx.pass());
        }
        assertEquals(2, stats.rxDropped.sum());
        assertEquals(2, stats.rxPackets.sum());
        rx.flush();
        assertEquals(Optional.of(new Used(viewed, 112)), driver.getBuf());
        assertEquals(Optional.of(new Used(copied, 112)), driver.getBuf());
        assertTrue(log.seen("receiveq0 receive"));
    }

    /**
     * After DEVICE_NEEDS_RESET the receiveq trusts nothing in the ring: the buffer it holds is not written (the frame
     * stays with the backend), not even through the views of guest RAM it took when it was still sane.
     */
    @Test
    void afterDeviceNeedsResetHeldBuffersAreNotWritten() throws Exception {
        NetRxQueue rx = receiver(MRG, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        driver.add(List.of(), List.of(new Buf(DATA, 2048)));
        assertFalse(rx.pass(), "holds the buffer; no frame yet");
        latch.trip("test: the ring broke");
        backend.incoming.add(withHeader(frame(MAC, 60, 22)));
        assertFalse(rx.pass());
        assertEquals(1, backend.incoming.size(), "the frame was not taken");
        assertArrayEquals(new byte[2048], guest(DATA, 2048), "the held buffer was not written");
    }

    /**
     * The race of turning kicks back on: the receiveq finds the ring empty, and just before it asks for kicks again
     * (VIRTQ_USED_F_NO_NOTIFY cleared, or avail_event moved under EVENT_IDX) the driver adds a buffer, sees kicks
     * still off and does not kick. The receiveq must look at the ring once more rather than sleep without a buffer.
     */
    @ParameterizedTest(name = "EVENT_IDX {0}")
    @ValueSource(booleans = {false, true})
    void aBufferAddedJustAsKicksComeBackOnIsTaken(boolean eventIdx) throws Exception {
        TestDriver d = new TestDriver(memory, RAM, 16, eventIdx, false, RAM + 0x1_0000);
        // The driver acts from a hook on guest memory's writes, and the queue writes its rings through a view of
        // RAM, which no hook sees; a used ring across a host mapping has no view, so it is written through guest
        // memory, by the same code of the queue.
        ram.mappingEdge(d.config().usedRing() + 4);
        NetRxQueue rx = receiver(d, 0, true, VirtioNet.HEADER_SIZE + VirtioNet.MAX_PLAIN_FRAME);
        int first = d.add(List.of(), List.of(new Buf(DATA, 2048)));
        assertTrue(d.kickPrepare(), "the driver kicks for its first buffer");
        backend.incoming.add(withHeader(frame(MAC, 60, 20)));
        assertTrue(rx.pass());
        long kickRequest = d.config().usedRing() + (eventIdx ? 4 + 8L * 16 : 0);
        int[] second = {-1};
        boolean[] kicked = {true};
        memory.beforeNextWriteShort(kickRequest, () -> {
            second[0] = d.add(List.of(), List.of(new Buf(DATA + 0x1000, 2048)));
            kicked[0] = d.kickPrepare();
        });
        backend.incoming.add(withHeader(frame(MAC, 60, 21)));
        assertTrue(rx.pass(), "the buffer added without a kick takes the frame");
        assertTrue(second[0] >= 0, "the driver added its buffer as the receiveq asked for kicks");
        assertFalse(kicked[0], "the driver saw kicks off, so it did not kick");
        rx.flush();
        assertEquals(Optional.of(new Used(first, 72)), d.getBuf());
        assertEquals(Optional.of(new Used(second[0], 72)), d.getBuf());
    }

    private NetTxQueue transmitter(long features, boolean vnetHeader) throws Exception {
        activation = new FakeActivation(memory, features, SplitVirtqueue.create(memory, driver.config()));
        return new NetTxQueue("transmitq0", memory, backend, vnetHeader, features, VirtioNet.MAX_PLAIN_FRAME,
                activation.kicks(0), () -> link, () -> false, stats, log);
    }

    private void serveTx(NetTxQueue tx) {
        new QueueServer(activation, 0, "transmitq0", tx, new ResetLatch(activation), log).serve();
    }

    @Test
    void aFrameGoesOutWithItsCheckedHeaderAndABadHeaderIsDropped() throws Exception {
        NetTxQueue tx = transmitter(1L << VirtioNet.F_CSUM, true);
        byte[] header = {1, 0, 0, 0, 0, 0, 34, 0, 6, 0, 0, 0};
        byte[] payload = frame(MAC, 100, 8);
        memory.write(DATA, header, 0, 12);
        memory.write(DATA + 0x100, payload, 0, payload.length);
        int good = driver.add(List.of(new Buf(DATA, 12), new Buf(DATA + 0x100, 100)), List.of());
        memory.write(DATA + 0x1000, new byte[] {1, 0, 0, 0, 0, 0, 99, 0, 6, 0, 0, 0}, 0, 12);
        memory.write(DATA + 0x1100, payload, 0, payload.length);
        int bad = driver.add(List.of(new Buf(DATA + 0x1000, 12), new Buf(DATA + 0x1100, 100)), List.of());
        serveTx(tx);
        assertEquals(Optional.of(new Used(good, 0)), driver.getBuf());
        assertEquals(Optional.of(new Used(bad, 0)), driver.getBuf(), "a dropped frame's chain still goes back");
        assertEquals(1, backend.sent.size());
        byte[] sent = backend.sent.get(0);
        assertArrayEquals(header, Arrays.copyOf(sent, 12));
        assertArrayEquals(payload, Arrays.copyOfRange(sent, 12, sent.length));
        assertEquals(1, stats.txDropped.sum());
        assertTrue(log.seen("transmitq0 header"));
    }

    @Test
    void aBackendWithoutTheHeaderGetsTheFrameAloneAndTheLinkDownDropsFrames() throws Exception {
        NetTxQueue tx = transmitter(0, false);
        byte[] payload = frame(MAC, 64, 9);
        memory.write(DATA + 12, payload, 0, payload.length);
        driver.add(List.of(new Buf(DATA, 12 + 64)), List.of());
        serveTx(tx);
        assertArrayEquals(payload, backend.sent.get(0));
        link = false;
        driver.add(List.of(new Buf(DATA, 12 + 64)), List.of());
        serveTx(tx);
        assertEquals(1, backend.sent.size());
        assertEquals(1, stats.txDropped.sum());
    }
}
