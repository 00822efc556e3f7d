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

/** The receiveq, transmitq and controlq served synchronously against a fake backend. */
class NetQueuesTest {
    private static final long RAM = 0x10_0000;
    private static final int RAM_SIZE = 1 << 20;
    private static final long DATA = RAM + 0x4_0000;
    private static final long MRG = 1L << VirtioNet.F_MRG_RXBUF;
    private static final byte[] MAC = {0x52, 0x54, 0, 0x12, 0x34, 0x56};

    private final StrictGuestMemory memory = new StrictGuestMemory(new HeapGuestMemory().add(RAM, RAM_SIZE));
    private final TestDriver driver = new TestDriver(memory, RAM, 16, true, false, RAM + 0x1_0000);
    private final FakeBackendQueue backend = new FakeBackendQueue();
    private final NetStats stats = new NetStats();
    private final GuestErrorLog log = new GuestErrorLog("virtio-net test");
    private FakeActivation activation;
    private NetFilter filter = NetFilter.initial(MAC, false);
    private boolean link = true;

    private NetRxQueue receiver(long features, boolean vnetHeader, int frameLimit) throws Exception {
        activation = new FakeActivation(memory, features, SplitVirtqueue.create(memory, driver.config()));
        return new NetRxQueue("receiveq0", activation, 0, backend, vnetHeader, frameLimit, () -> filter,
                () -> link, stats, new ResetLatch(activation), log);
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

    private NetTxQueue transmitter(long features, boolean vnetHeader) throws Exception {
        activation = new FakeActivation(memory, features, SplitVirtqueue.create(memory, driver.config()));
        return new NetTxQueue("transmitq0", memory, backend, vnetHeader, features, activation.kicks(0),
                () -> link, () -> false, stats, log);
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
