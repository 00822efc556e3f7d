package io.modvm.virtio.vring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.RamMapping;
import io.modvm.api.net.Vring;
import io.modvm.api.net.VringOffload;
import io.modvm.api.net.VringSetup;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.SharedRam;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the vring-setup layer gathers from an activation, and where it leaves the rings when the offload stops. */
class VringHandOverTest {
    private static final long FEATURES = (1L << 32) | (1L << 29);
    private static final List<RamMapping> TABLE = List.of(new RamMapping(0, 0x40000, 0x7f00_0000_0000L, 9, 0));

    /** Queue 0 with a call notifier of fd 21 (its vector), queue 1 without a vector; kicks of fds 10 and 11. */
    private FakeActivation activation(GuestMemory memory, SplitVirtqueue rx, SplitVirtqueue tx) {
        FakeActivation a = new FakeActivation(memory, FEATURES, rx, tx).describe(0, 10, 21);
        return tx == null ? a : a.describe(1, 11, -1);
    }

    private static final class Offload implements VringOffload {
        VringSetup started;
        int[] bases = {};
        final List<String> calls = new ArrayList<>();

        @Override
        public String name() {
            return "test";
        }

        @Override
        public long features() {
            return FEATURES;
        }

        @Override
        public void start(VringSetup setup) {
            started = setup;
        }

        @Override
        public void callChanged(int ring, int callFd) {
            calls.add(ring + ":" + callFd);
        }

        @Override
        public int[] stop() {
            return bases;
        }
    }

    private final HeapGuestMemory heap = new HeapGuestMemory().add(0, 0x40000);
    private final GuestMemory ram = new SharedRam(heap, TABLE);
    private final TestDriver rx = new TestDriver(ram, 0x1000, 16, true, false, 0x20000);
    private final TestDriver tx = new TestDriver(ram, 0x8000, 16, true, false, 0x30000);

    @Test
    void theSetupHoldsTheTableAddressesDescriptorsAndTheIndexAfterWhatTheDeviceReturned() throws Exception {
        SplitVirtqueue rxRing = SplitVirtqueue.create(ram, rx.config());
        SplitVirtqueue txRing = SplitVirtqueue.create(ram, tx.config());
        for (int i = 0; i < 4; i++) {
            rx.publish(rx.add(List.of(), List.of(new TestDriver.Buf(0x10000 + 0x800L * i, 0x800))));
        }
        // The device took three receive buffers and filled one: two wait for frames, held.
        DescriptorChain first = rxRing.pop().orElseThrow();
        rxRing.pop().orElseThrow();
        rxRing.pop().orElseThrow();
        rxRing.push(first.head(), 60);
        Offload offload = new Offload();
        FakeActivation a = activation(ram, rxRing, txRing);
        VringHandOver h = VringHandOver.start(a, new int[] {0, 1}, offload, 1, 1500);
        VringSetup s = offload.started;
        assertEquals(FEATURES, s.features());
        assertEquals(TABLE, s.memory());
        assertEquals(1500, s.mtu());
        assertEquals(List.of(new Vring(0, 16, rx.descTable(), rx.availRing(), rx.usedRing(), 1, 10, 21),
                new Vring(1, 16, tx.descTable(), tx.availRing(), tx.usedRing(), 0, 11, -1)), s.rings());
        a.moveVector(0, 22);
        assertEquals(List.of("0:22"), offload.calls);
        // The offload filled the two held buffers and one more, and stopped at avail 4 with one taken and not used.
        ram.writeShort(rx.usedRing() + 2, (short) 4);
        offload.bases = new int[] {5, 0};
        h.stop();
        assertEquals(4, rxRing.nextAvailIndex(), "a chain the offload took and did not return is taken again");
        assertEquals(4, rxRing.nextUsedIndex());
        assertEquals(0, rxRing.inFlight());
        assertEquals(0, txRing.nextAvailIndex());
        h.stop();
        assertEquals(4, rxRing.nextAvailIndex(), "a second stop changes nothing");
    }

    @Test
    void anOffloadThatIsGoneLeavesTheRingsAtTheUsedIndexInGuestRam() throws Exception {
        SplitVirtqueue rxRing = SplitVirtqueue.create(ram, rx.config());
        Offload offload = new Offload();
        VringHandOver h = VringHandOver.start(activation(ram, rxRing, null), new int[] {0, 1}, offload, 1,
                0);
        assertEquals(1, offload.started.rings().size(), "a queue the driver did not enable is not handed over");
        ram.writeShort(rx.usedRing() + 2, (short) 7);
        offload.bases = new int[] {-1};
        h.stop();
        assertEquals(7, rxRing.nextAvailIndex());
        assertEquals(7, rxRing.nextUsedIndex());
    }

    @Test
    void guestRamThatCannotBeSharedIsRefused() throws Exception {
        SplitVirtqueue rxRing = SplitVirtqueue.create(heap, rx.config());
        IOException e = assertThrows(IOException.class, () -> VringHandOver.start(activation(heap, rxRing, null),
                new int[] {0}, new Offload(), 1, 0));
        assertEquals("guest RAM has no descriptor another process could map", e.getMessage());
    }
}
