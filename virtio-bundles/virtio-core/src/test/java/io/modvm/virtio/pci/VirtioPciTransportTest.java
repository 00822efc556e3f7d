package io.modvm.virtio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.Device;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.device.VirtioDevice;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.testing.FakePciFunction;
import io.modvm.virtio.testing.StubDeviceContext;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver's side of virtio 1.2 section 3.1 against the transport, with the PCI function faked. */
class VirtioPciTransportTest {
    private static final long RAM = 1 << 20;

    private final HeapGuestMemory memory = new HeapGuestMemory().add(0, (int) RAM);
    private final StubDeviceContext context = new StubDeviceContext("t0").withRam(memory, RAM).withPci();
    private PciFunctionSpec spec;
    private FakePciFunction pci;
    private final FakeDevice device = new FakeDevice();
    private Device transport;
    private BusHandler bar;

    static class FakeDevice implements VirtioDevice {
        VirtioActivation activation;
        int resets;
        long config = 0x1122334455667788L;

        @Override
        public int deviceType() {
            return 4;
        }

        @Override
        public int pciClass() {
            return 0x00ff00;
        }

        @Override
        public int queueCount() {
            return 2;
        }

        @Override
        public int queueMaxSize(int index) {
            return 256;
        }

        @Override
        public long deviceFeatures() {
            return 1L << 29;
        }

        @Override
        public int configSize() {
            return 8;
        }

        @Override
        public long readConfig(int offset, int size) {
            return (config >>> (8 * offset)) & (size == 8 ? -1L : (1L << (8 * size)) - 1);
        }

        @Override
        public void writeConfig(int offset, int size, long value) {
        }

        @Override
        public void activate(VirtioActivation a) {
            activation = a;
        }

        @Override
        public void reset() {
            resets++;
            activation = null;
        }
    }

    @BeforeEach
    void plug() throws Exception {
        // The modern transport alone (disable-legacy=on): its identity and BAR 0 layout are what this class checks.
        transport = VirtioPciTransport.plug(context, device, VirtioPciMode.MODERN);
        spec = context.pciSpec();
        pci = context.pci();
        bar = spec.bars().get(0).handler();
    }

    private void common(int offset, int size, long value) {
        bar.write(offset, size, value);
    }

    private long common(int offset, int size) {
        return bar.read(offset, size);
    }

    private void negotiate(long features) {
        common(CommonConfig.DEVICE_STATUS, 1, 1);
        common(CommonConfig.DEVICE_STATUS, 1, 3);
        common(CommonConfig.DRIVER_FEATURE_SELECT, 4, 0);
        common(CommonConfig.DRIVER_FEATURE, 4, features & 0xFFFF_FFFFL);
        common(CommonConfig.DRIVER_FEATURE_SELECT, 4, 1);
        common(CommonConfig.DRIVER_FEATURE, 4, features >>> 32);
        common(CommonConfig.DEVICE_STATUS, 1, 11);
    }

    private void setUpQueue(int q, TestDriver driver, int vector) {
        setUpQueue(q, driver, vector, driver.usedRing());
    }

    private void setUpQueue(int q, TestDriver driver, int vector, long usedRing) {
        common(CommonConfig.QUEUE_SELECT, 2, q);
        common(CommonConfig.QUEUE_SIZE, 2, driver.config().size());
        common(CommonConfig.QUEUE_MSIX_VECTOR, 2, vector);
        common(CommonConfig.QUEUE_DESC, 8, driver.descTable());
        common(CommonConfig.QUEUE_DRIVER, 8, driver.availRing());
        common(CommonConfig.QUEUE_DEVICE, 8, usedRing);
        common(CommonConfig.QUEUE_ENABLE, 2, 1);
    }

    @Test
    void identityAndCapabilities() {
        assertEquals(0x1af4, spec.vendorId());
        assertEquals(0x1044, spec.deviceId());
        assertEquals(4, spec.capabilities().size(), "common, notify, ISR, device");
        assertEquals(3, spec.msixVectors(), "config + one per queue");
        assertEquals(2, common(CommonConfig.NUM_QUEUES, 2));
        assertEquals(0x55667788L, bar.read(VirtioPciTransport.DEVICE_OFFSET, 4));
        assertEquals(0, bar.read(VirtioPciTransport.DEVICE_OFFSET + 6, 4), "a read past the config is 0");
    }

    @Test
    void featuresOfferVersion1AndRefuseUnknownBits() {
        common(CommonConfig.DEVICE_FEATURE_SELECT, 4, 1);
        assertEquals(1, common(CommonConfig.DEVICE_FEATURE, 4), "VERSION_1");
        negotiate((1L << 32) | (1L << 5));
        assertEquals(0, common(CommonConfig.DEVICE_STATUS, 1) & 8, "FEATURES_OK refused for an unoffered bit");
        common(CommonConfig.DEVICE_STATUS, 1, 0);
        negotiate(1L << 29);
        assertEquals(0, common(CommonConfig.DEVICE_STATUS, 1) & 8, "refused without VERSION_1");
        common(CommonConfig.DEVICE_STATUS, 1, 0);
        negotiate((1L << 32) | (1L << 29));
        assertEquals(8, common(CommonConfig.DEVICE_STATUS, 1) & 8);
    }

    @Test
    void driverOkActivatesEnabledQueuesAndInterruptsThroughTheirVectors() {
        TestDriver d = new TestDriver(memory, 0x10000, 64, true, false, 0);
        negotiate((1L << 32) | (1L << 29));
        setUpQueue(1, d, 2);
        common(CommonConfig.CONFIG_MSIX_VECTOR, 2, 0);
        assertEquals(0, common(CommonConfig.CONFIG_MSIX_VECTOR, 2));
        common(CommonConfig.QUEUE_SELECT, 2, 0);
        common(CommonConfig.QUEUE_MSIX_VECTOR, 2, 9);
        assertEquals(CommonConfig.NO_VECTOR, common(CommonConfig.QUEUE_MSIX_VECTOR, 2),
                "a vector beyond the table reads back as NO_VECTOR");
        common(CommonConfig.DEVICE_STATUS, 1, 15);
        assertNotNull(device.activation);
        assertNull(device.activation.queue(0), "queue 0 was not enabled");
        assertNotNull(device.activation.queue(1));
        assertTrue(device.activation.hasFeature(29));
        device.activation.interruptQueue(1);
        device.activation.interruptConfig();
        assertEquals(List.of(2, 0), pci.vectors());
        assertEquals(3, bar.read(VirtioPciTransport.ISR_OFFSET, 1));
        assertEquals(0, bar.read(VirtioPciTransport.ISR_OFFSET, 1), "reading the ISR clears it");
        common(CommonConfig.QUEUE_SELECT, 2, 1);
        common(CommonConfig.QUEUE_SIZE, 2, 16);
        assertEquals(64, common(CommonConfig.QUEUE_SIZE, 2), "queue registers are frozen while running");
    }

    @Test
    void ringOutsideRamOrNoBusMasterNeedsReset() {
        TestDriver d = new TestDriver(memory, 0x10000, 64, false, false, 0);
        negotiate(1L << 32);
        setUpQueue(0, d, 1, RAM + 0x1000);
        common(CommonConfig.DEVICE_STATUS, 1, 15);
        assertNull(device.activation);
        assertEquals(0x40, common(CommonConfig.DEVICE_STATUS, 1) & 0x40);
        common(CommonConfig.DEVICE_STATUS, 1, 0);
        assertEquals(0, common(CommonConfig.DEVICE_STATUS, 1));
        pci.busMaster(false);
        negotiate(1L << 32);
        setUpQueue(0, d, 1);
        common(CommonConfig.DEVICE_STATUS, 1, 15);
        assertNull(device.activation);
        assertEquals(0x40, common(CommonConfig.DEVICE_STATUS, 1) & 0x40);
    }

    @Test
    void statusZeroAndMachineResetResetTheDevice() {
        TestDriver d = new TestDriver(memory, 0x10000, 64, false, false, 0);
        negotiate(1L << 32);
        setUpQueue(0, d, 1);
        common(CommonConfig.DEVICE_STATUS, 1, 15);
        VirtioActivation old = device.activation;
        common(CommonConfig.DEVICE_STATUS, 1, 0);
        assertEquals(1, device.resets);
        assertEquals(0, common(CommonConfig.QUEUE_ENABLE, 2));
        old.interruptQueue(0);
        assertTrue(pci.vectors().isEmpty(), "a stale activation raises nothing");
        negotiate(1L << 32);
        setUpQueue(0, d, 1);
        common(CommonConfig.DEVICE_STATUS, 1, 15);
        transport.reset();
        assertEquals(2, device.resets);
        assertEquals(0, common(CommonConfig.DEVICE_STATUS, 1));
    }

    @Test
    void garbageRegisterWritesAreHarmless() {
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 20000; i++) {
            int offset = r.nextInt(0x8000);
            int size = 1 << r.nextInt(4);
            if (r.nextBoolean()) {
                bar.write(offset, size, r.nextLong());
            } else {
                bar.read(offset, size);
            }
        }
        transport.reset();
    }
}
