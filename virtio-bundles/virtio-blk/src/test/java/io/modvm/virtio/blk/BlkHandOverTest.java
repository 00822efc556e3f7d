package io.modvm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateRecord;
import io.modvm.block.BlockNode;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImages;
import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.testing.FakePciFunction;
import io.modvm.virtio.testing.HandOver;
import io.modvm.virtio.testing.PciDriver;
import io.modvm.virtio.testing.StubDeviceContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtio-blk device handed to a new instance (a new factory, as after a bundle update) while the guest writes:
 * the new instance reopens the image and goes on with the driver's queue, and every write on either side of the
 * swap reads back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlkHandOverTest {
    private static final long RAM = 0x10_0000;
    private static final int RAM_SIZE = 4 << 20;
    private static final long HEADER = RAM + 0x10_0000;
    private static final long STATUS = RAM + 0x10_1000;
    private static final long DATA = RAM + 0x20_0000;
    private static final int SECTORS_PER_WRITE = 8;

    @TempDir
    Path dir;

    private final HeapGuestMemory memory = new HeapGuestMemory().add(RAM, RAM_SIZE);
    private final FakePciFunction pci = new FakePciFunction();
    private final Random random = new Random(42);
    private Map<String, String> properties;
    private PciDriver driver;
    private TestDriver ring;
    /** The drive, open across the swap as the machine's backend is. */
    private BlockNode node;

    private Device plug() throws Exception {
        Path file = dir.resolve("disk.raw");
        Files.write(file, new byte[1 << 20]);
        properties = Map.of("drive", "d0", "serial", "swap-me");
        node = TestNodes.node(DiskImages.open(file, "raw", false, CacheMode.WRITEBACK));
        StubDeviceContext context = new StubDeviceContext("vd0").withRam(memory, RAM_SIZE).withPci(pci)
                .withBackend("block", "d0", node);
        Device device = new BlkFactory(new BlkRegistry()).create(context, properties);
        driver = new PciDriver(context.pciSpec(), pci);
        long features = driver.offered() & ~VirtioFeatures.bit(VirtioBlk.F_DISCARD);
        assertEquals(PciDriver.STATUS_FEATURES_OK, driver.negotiate(features) & PciDriver.STATUS_FEATURES_OK);
        ring = new TestDriver(memory, RAM, 16, true, true, RAM + 0x1_0000);
        driver.configVector(0);
        driver.queue(0, ring, 1);
        driver.driverOk();
        return device;
    }

    /** Queues one request of {@code type} at {@code sector} with {@code data} bytes at DATA + slot * 4 KiB. */
    private void request(int type, long sector, int slot, byte[] data) {
        long header = HEADER + 16L * slot;
        long buffer = DATA + 0x1000L * slot;
        memory.write(header, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0, type)
                .putLong(8, sector).array(), 0, 16);
        memory.writeByte(STATUS + slot, (byte) 0x7f);
        if (type == VirtioBlk.T_OUT) {
            memory.write(buffer, data, 0, data.length);
            ring.addIndirect(List.of(new Buf(header, 16), new Buf(buffer, data.length)),
                    List.of(new Buf(STATUS + slot, 1)));
        } else {
            ring.addIndirect(List.of(new Buf(header, 16)),
                    List.of(new Buf(buffer, data.length), new Buf(STATUS + slot, 1)));
        }
    }

    private void awaitUsed(int idx) throws InterruptedException {
        while (ring.usedIdx() != idx) {
            Thread.sleep(1);
        }
        while (ring.getBuf().isPresent()) {
            // taken back, as the driver's interrupt handler does
        }
    }

    private byte[] write(long sector, int slot) {
        byte[] data = new byte[SECTORS_PER_WRITE * 512];
        random.nextBytes(data);
        request(VirtioBlk.T_OUT, sector, slot, data);
        return data;
    }

    private byte[] read(long sector, int slot, int expectedUsed) throws InterruptedException {
        request(VirtioBlk.T_IN, sector, slot, new byte[SECTORS_PER_WRITE * 512]);
        driver.kick(0);
        awaitUsed(expectedUsed);
        assertEquals(VirtioBlk.S_OK, memory.readByte(STATUS + slot));
        byte[] back = new byte[SECTORS_PER_WRITE * 512];
        memory.read(DATA + 0x1000L * slot, back, 0, back.length);
        return back;
    }

    @Test
    void writesOnBothSidesOfTheSwapReadBack() throws Exception {
        Device old = plug();
        byte[] before = write(0, 0);
        driver.kick(0);
        awaitUsed(1);
        assertEquals(VirtioBlk.S_OK, memory.readByte(STATUS));
        // One more write is kicked just before the swap: served by the old instance or left on the ring for the new.
        byte[] racing = write(SECTORS_PER_WRITE, 1);
        driver.kick(0);
        int status = driver.status();
        int generation = driver.generation();
        long[] queue = driver.queueRegisters(0);

        StateRecord state = HandOver.takeState((StatefulDevice) old);
        StateRecord q = state.getRecords("queues").get(0);
        assertEquals(0, q.getInt("inFlight"), "a quiesced virtio-blk holds no request");
        assertEquals("virtio-blk", state.getRecord("device").type());

        StubDeviceContext context = new StubDeviceContext("vd0").withRam(memory, RAM_SIZE).withPci(pci)
                .withBackend("block", "d0", node);
        Device taken = new BlkFactory(new BlkRegistry()).restore(context, properties, state);
        driver.rebind(context.pciSpec());
        assertEquals(status, driver.status(), "no reset");
        assertEquals(generation, driver.generation());
        assertArrayEquals(queue, driver.queueRegisters(0));
        awaitUsed(2);
        assertEquals(VirtioBlk.S_OK, memory.readByte(STATUS + 1), "the write kicked at the swap completed");

        byte[] after = write(2 * SECTORS_PER_WRITE, 2);
        driver.kick(0);
        awaitUsed(3);
        assertArrayEquals(before, read(0, 3, 4));
        assertArrayEquals(racing, read(SECTORS_PER_WRITE, 4, 5));
        assertArrayEquals(after, read(2 * SECTORS_PER_WRITE, 5, 6));
        assertEquals(6, ring.usedIdx(), "the used index went on from where the old instance left it");
        assertFalse(pci.vectors().contains(0), "no configuration interrupt");
        assertTrue(pci.vectors().stream().allMatch(v -> v == 1), "queue interrupts only: " + pci.vectors());
        assertEquals(status, driver.status());
        taken.close();
    }

    @Test
    void aStateItCannotReadUnplugsCleanly() throws Exception {
        Device old = plug();
        StateRecord state = HandOver.takeState((StatefulDevice) old);
        BlkRegistry registry = new BlkRegistry();
        StubDeviceContext context = new StubDeviceContext("vd0").withRam(memory, RAM_SIZE).withPci(pci)
                .withBackend("block", "d0", node);
        DeviceException e = assertThrows(DeviceException.class,
                () -> new BlkFactory(registry).restore(context, properties, HandOver.withVersion(state, 3)));
        assertEquals("vd0: saved state not taken over: virtio-pci state version 3 is not readable here (versions 1 to"
                + " 2)", e.getMessage());
        assertEquals(List.of(), registry.drives(), "the refused device left no drive behind");

        Path other = dir.resolve("other.raw");
        Files.write(other, new byte[2 << 20]);
        context.withBackend("block", "d1", TestNodes.node(DiskImages.open(other, "raw", false, CacheMode.WRITEBACK)));
        DeviceException size = assertThrows(DeviceException.class, () -> new BlkFactory(registry)
                .restore(context, Map.of("drive", "d1", "serial", "swap-me"), state));
        assertEquals("vd0: saved state not taken over: virtio-blk: the image now has 4096 sectors; the guest knows"
                + " 2048", size.getMessage());
        assertEquals(List.of(), registry.drives());
    }
}
