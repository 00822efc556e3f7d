package io.modvm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.RamMapping;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.NetworkQueue;
import io.modvm.api.net.Vring;
import io.modvm.api.net.VringOffload;
import io.modvm.api.net.VringSetup;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.testing.Await;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.SharedRam;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * virtio-net with a backend that offers a vring offload: the data queues go to the offload at DRIVER_OK and the
 * controlq stays; the offload stops while the link is down, gives way to the device's own threads when it goes
 * away, and stops on a reset.
 */
@Timeout(30)
class NetDeviceOffloadTest {
    private static final long VERSION_1 = 1L << 32;

    private static final class Offload implements VringOffload {
        final List<VringSetup> starts = Collections.synchronizedList(new ArrayList<>());
        volatile int stops;
        volatile boolean refuse;

        @Override
        public String name() {
            return "vhost-test";
        }

        @Override
        public long features() {
            return -1L;
        }

        @Override
        public void start(VringSetup setup) throws java.io.IOException {
            if (refuse) {
                throw new java.io.IOException("refused");
            }
            starts.add(setup);
        }

        @Override
        public void callChanged(int ring, int callFd) {
        }

        @Override
        public int[] stop() {
            stops++;
            return new int[] {-1, -1};
        }
    }

    /** A queue that takes every frame and has none to give. */
    private static final class Quiet implements NetworkQueue {
        volatile int sent;

        @Override
        public boolean send(ByteBuffer[] buffers) {
            sent++;
            return true;
        }

        @Override
        public int receive(ByteBuffer[] buffers) {
            return 0;
        }

        @Override
        public boolean awaitReceivable(EventNotifier wake, long timeoutMillis) {
            wake.await(Math.min(timeoutMillis, 50));
            return false;
        }

        @Override
        public boolean awaitWritable(EventNotifier wake, long timeoutMillis) {
            return true;
        }
    }

    private static final class Backend implements NetworkBackend {
        final Quiet queue = new Quiet();
        volatile VringOffload offload;
        volatile boolean link = true;
        volatile Runnable linkListener;
        volatile Runnable offloadListener;

        @Override
        public int queuePairs() {
            return 1;
        }

        @Override
        public NetworkQueue queue(int index) {
            return queue;
        }

        @Override
        public boolean vnetHeader() {
            return true;
        }

        @Override
        public void setOffloads(int offloads) {
        }

        @Override
        public boolean linkUp() {
            return link;
        }

        @Override
        public void onLinkChange(Runnable listener) {
            linkListener = listener;
        }

        @Override
        public Optional<VringOffload> offload() {
            return Optional.ofNullable(offload);
        }

        @Override
        public void onOffloadChange(Runnable listener) {
            offloadListener = listener;
        }

        @Override
        public String describe() {
            return "test";
        }

        @Override
        public void close() {
        }
    }

    private final HeapGuestMemory heap = new HeapGuestMemory().add(0, 0x100000);
    private final GuestMemory ram = new SharedRam(heap, List.of(new RamMapping(0, 0x100000, 0x7f00_0000_0000L, 9,
            0)));
    private final TestDriver rx = new TestDriver(ram, 0x10000, 256, true, false, 0x80000);
    private final TestDriver tx = new TestDriver(ram, 0x20000, 256, true, false, 0x90000);
    private final TestDriver ctrl = new TestDriver(ram, 0x30000, 64, true, false, 0xA0000);
    private final Backend backend = new Backend();
    private final Offload offload = new Offload();
    private NetDevice device;
    private FakeActivation activation;

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
    }

    private void activate() throws Exception {
        backend.offload = offload;
        device = new NetDevice("net0", NetConfig.parse("net0", Map.of("netdev", "n0")), backend);
        long features = device.deviceFeatures() | VERSION_1;
        activation = new FakeActivation(ram, features).enable(0, rx).enable(1, tx).enable(2, ctrl)
                .describe(0, 10, 20).describe(1, 11, 21);
        device.activate(activation);
    }

    @Test
    void aLegacyDriverWithoutMergeableBuffersIsRefusedRatherThanMisframed() throws Exception {
        backend.offload = offload;
        device = new NetDevice("net0", NetConfig.parse("net0", Map.of("netdev", "n0")), backend);
        long legacy = device.deviceFeatures() & 0xFFFF_FFFFL & ~(1L << VirtioNet.F_MRG_RXBUF);
        activation = new FakeActivation(ram, legacy).enable(0, rx).enable(1, tx).enable(2, ctrl);
        device.activate(activation);
        assertEquals(1, activation.resetRequests().size(), "the 10-byte header is not served");
        assertTrue(activation.resetRequests().get(0).contains("MRG_RXBUF"), activation.resetRequests().toString());

        device.reset();
        FakeActivation withMergeable = new FakeActivation(ram, legacy | (1L << VirtioNet.F_MRG_RXBUF)).enable(0, rx)
                .enable(1, tx).enable(2, ctrl);
        device.activate(withMergeable);
        assertEquals(List.of(), withMergeable.resetRequests(), "with MRG_RXBUF the legacy header is the 12-byte one");
    }

    /** Puts one frame (header and 60 bytes) on the transmitq and kicks it. */
    private void send() {
        tx.add(List.of(new TestDriver.Buf(0x50000, 12 + 60)), List.of());
        activation.kick(1);
    }

    @Test
    void theDataQueuesGoToTheOffloadAndTheControlQueueStays() throws Exception {
        activate();
        assertEquals(1, offload.starts.size());
        List<Vring> rings = offload.starts.get(0).rings();
        assertEquals(List.of(0, 1), rings.stream().map(Vring::index).toList());
        assertEquals(10, rings.get(0).kickFd());
        assertEquals(21, rings.get(1).callFd());
        assertTrue(device.backendInfo().endsWith("datapath=vhost-test"), device.backendInfo());
        send();
        Thread.sleep(300);
        assertEquals(0, backend.queue.sent, "the device's own thread sent a frame the offload owns");
    }

    @Test
    void theOffloadStopsWhileTheLinkIsDownAndStartsAgainWhenItIsBack() throws Exception {
        activate();
        backend.link = false;
        backend.linkListener.run();
        assertEquals(1, offload.stops);
        assertTrue(device.backendInfo().contains("datapath=vhost-test (idle"), device.backendInfo());
        backend.link = true;
        backend.linkListener.run();
        assertEquals(2, offload.starts.size());
        device.setLink(false);
        assertEquals(2, offload.stops, "set_link off stops it too, as QEMU stops vhost");
    }

    @Test
    void anOffloadThatGoesAwayGivesTheQueuesToTheDevicesThreads() throws Exception {
        activate();
        backend.offload = null;
        backend.offloadListener.run();
        assertEquals(1, offload.stops);
        assertTrue(device.backendInfo().endsWith("datapath=userspace"), device.backendInfo());
        send();
        Await.until("the device's thread sent the frame", () -> backend.queue.sent == 1);
        Await.until("the device's thread returned it", () -> tx.getBuf().isPresent());
    }

    @Test
    void anOffloadThatRefusesTheRingsLeavesThemToTheDevicesThreads() throws Exception {
        offload.refuse = true;
        activate();
        assertTrue(device.backendInfo().endsWith("datapath=userspace"), device.backendInfo());
        send();
        Await.until("the device's thread sent the frame", () -> backend.queue.sent == 1);
        offload.refuse = false;
        backend.linkListener.run();
        assertEquals(1, offload.starts.size(), "a link change tries the offload again");
        assertTrue(device.backendInfo().endsWith("datapath=vhost-test"), device.backendInfo());
    }

    @Test
    void aResetStopsTheOffload() throws Exception {
        activate();
        device.reset();
        assertEquals(1, offload.stops);
    }
}
