package io.modvm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.Device;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImages;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.testing.StubDeviceContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factory's device through the real virtio-pci transport, driven as Linux's virtio_pci_modern and virtio_blk
 * drive it: find the capabilities, negotiate, read the capacity, set up the queue, kick, take the interrupt. Only the
 * PCI function (the core's side) is faked.
 */
class BlkPciTest {
    private static final long RAM = 0x10_0000;
    private static final int RAM_SIZE = 4 << 20;
    private static final int CAP_COMMON = 1;
    private static final int CAP_DEVICE = 4;
    // virtio 1.2, 4.1.4.3: struct virtio_pci_common_cfg
    private static final int DEVICE_FEATURE_SELECT = 0x00;
    private static final int DEVICE_FEATURE = 0x04;
    private static final int DRIVER_FEATURE_SELECT = 0x08;
    private static final int DRIVER_FEATURE = 0x0C;
    private static final int DEVICE_STATUS = 0x14;
    private static final int QUEUE_SELECT = 0x16;
    private static final int QUEUE_SIZE = 0x18;
    private static final int QUEUE_MSIX_VECTOR = 0x1A;
    private static final int QUEUE_ENABLE = 0x1C;
    private static final int QUEUE_DESC = 0x20;
    private static final int QUEUE_DRIVER = 0x28;
    private static final int QUEUE_DEVICE = 0x30;

    @TempDir
    Path dir;

    private final HeapGuestMemory memory = new HeapGuestMemory().add(RAM, RAM_SIZE);
    private final StubDeviceContext context = new StubDeviceContext("vd0").withRam(memory, RAM_SIZE).withPci();
    private PciFunctionSpec spec;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readsThroughTheTransport() throws Exception {
        byte[] disk = new byte[1 << 20];
        new Random(9).nextBytes(disk);
        Path file = dir.resolve("disk.raw");
        Files.write(file, disk);
        BlkRegistry registry = new BlkRegistry();
        context.withBackend("block", "d0", TestNodes.node(DiskImages.open(file, "raw", false, CacheMode.WRITEBACK)));
        Device device = new BlkFactory(registry).create(context, Map.of("drive", "d0", "serial", "pci-test",
                "disable-legacy", "on"));
        spec = context.pciSpec();
        assertEquals(0x1af4, spec.vendorId());
        assertEquals(0x1042, spec.deviceId());
        assertEquals(0x010000, spec.classCode());
        BusHandler bar = spec.bars().get(0).handler();
        int common = capabilityOffset(CAP_COMMON);
        int config = capabilityOffset(CAP_DEVICE);

        bar.write(common + DEVICE_STATUS, 1, 1);
        bar.write(common + DEVICE_STATUS, 1, 3);
        long offered = 0;
        for (int half = 0; half < 2; half++) {
            bar.write(common + DEVICE_FEATURE_SELECT, 4, half);
            offered |= bar.read(common + DEVICE_FEATURE, 4) << (32 * half);
        }
        for (int bit : new int[] {VirtioBlk.F_SEG_MAX, VirtioBlk.F_BLK_SIZE, VirtioBlk.F_FLUSH, VirtioBlk.F_DISCARD,
            VirtioBlk.F_WRITE_ZEROES, 28, 29, 32}) {
            assertTrue((offered & (1L << bit)) != 0, "feature " + bit + " offered");
        }
        for (int half = 0; half < 2; half++) {
            bar.write(common + DRIVER_FEATURE_SELECT, 4, half);
            bar.write(common + DRIVER_FEATURE, 4, (offered >>> (32 * half)) & 0xFFFF_FFFFL);
        }
        bar.write(common + DEVICE_STATUS, 1, 11);
        assertEquals(8, bar.read(common + DEVICE_STATUS, 1) & 8, "FEATURES_OK");
        long capacity = bar.read(config, 4) | (bar.read(config + 4, 4) << 32);
        assertEquals(disk.length / 512, capacity);

        TestDriver driver = new TestDriver(memory, RAM, 16, true, true, RAM + 0x1_0000);
        bar.write(common + QUEUE_SELECT, 2, 0);
        bar.write(common + QUEUE_SIZE, 2, 16);
        bar.write(common + QUEUE_MSIX_VECTOR, 2, 1);
        bar.write(common + QUEUE_DESC, 8, driver.descTable());
        bar.write(common + QUEUE_DRIVER, 8, driver.availRing());
        bar.write(common + QUEUE_DEVICE, 8, driver.usedRing());
        bar.write(common + QUEUE_ENABLE, 2, 1);
        bar.write(common + DEVICE_STATUS, 1, 15);

        long header = RAM + 0x10_0000;
        long data = RAM + 0x20_0000;
        long status = RAM + 0x30_0000;
        memory.write(header, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0, VirtioBlk.T_IN)
                .putLong(8, 100).array(), 0, 16);
        memory.writeByte(status, (byte) 0x7f);
        driver.addIndirect(List.of(new Buf(header, 16)), List.of(new Buf(data, 4096), new Buf(status, 1)));
        if (driver.kickPrepare()) {
            context.pci().ioEvent(0).signal();
        }
        while (driver.usedIdx() != 1) {
            Thread.sleep(1);
        }
        assertEquals(4097, driver.getBuf().orElseThrow().length());
        assertEquals(VirtioBlk.S_OK, memory.readByte(status));
        byte[] read = new byte[4096];
        memory.read(data, read, 0, read.length);
        assertArrayEquals(Arrays.copyOfRange(disk, 100 * 512, 100 * 512 + 4096), read);
        // The interrupt follows the used-ring update on the device's thread, so it may land a moment later.
        assertEquals(List.of(1), context.pci().awaitVectors(1, 30_000));

        assertEquals(1, registry.drives().size());
        device.close();
        assertEquals(List.of(), registry.drives(), "closing the device forgets its drive");
    }

    /** Where a virtio vendor capability of {@code type} says its structure is in BAR 0. */
    private int capabilityOffset(int type) {
        for (PciCapability cap : spec.capabilities()) {
            ByteBuffer body = ByteBuffer.wrap(cap.body()).order(ByteOrder.LITTLE_ENDIAN);
            if (cap.id() == PciCapability.VENDOR_SPECIFIC && body.get(1) == type) {
                assertEquals(0, body.get(2), "BAR");
                return body.getInt(6);
            }
        }
        throw new AssertionError("no virtio capability of type " + type);
    }
}
