package io.modvm.virtio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.Device;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.QueueConfig;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.testing.FakePciFunction;
import io.modvm.virtio.testing.HandOver;
import io.modvm.virtio.testing.StubDeviceContext;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The legacy interface of a transitional function (virtio 1.2, 4.1.4.8 and 4.1.5), driven as an old driver does. */
class VirtioPciLegacyTest {
    private static final long RAM = 1 << 20;
    private static final int STATUS_ACK_DRIVER = 3;
    private static final int DRIVER_OK = 4;

    private final HeapGuestMemory memory = new HeapGuestMemory().add(0, (int) RAM);
    private final StubDeviceContext context = new StubDeviceContext("t0").withRam(memory, RAM).withPci();
    private final VirtioPciTransportTest.FakeDevice device = new VirtioPciTransportTest.FakeDevice();
    private Device transport;
    private PciFunctionSpec spec;
    private FakePciFunction pci;
    private BusHandler io;
    private BusHandler modern;

    @BeforeEach
    void plug() throws Exception {
        transport = VirtioPciTransport.plug(context, device);
        spec = context.pciSpec();
        pci = context.pci();
        io = bar(0).handler();
        modern = bar(4).handler();
    }

    private PciBar bar(int index) {
        return spec.bars().stream().filter(b -> b.index() == index).findFirst().orElseThrow();
    }

    @Test
    void aTransitionalFunctionLooksAsQemusPc() {
        assertEquals(0x1af4, spec.vendorId());
        assertEquals(0x1005, spec.deviceId(), "0x1000 + the entropy device's legacy ID");
        assertEquals(0, spec.revision(), "revision 0: Linux's legacy driver takes no other");
        assertEquals(0x1af4, spec.subsystemVendorId());
        assertEquals(4, spec.subsystemId(), "the virtio device type");
        assertTrue(bar(0).io(), "the legacy header is in I/O BAR 0");
        assertEquals(32, bar(0).size(), "24 bytes of header and 8 of configuration");
        assertEquals(1, spec.msixBar());
        assertFalse(bar(4).io());
        for (PciCapability c : spec.capabilities()) {
            assertEquals(4, c.body()[2], "every modern structure is in BAR 4");
        }
        assertEquals(4, spec.capabilities().size());
    }

    @Test
    void theLegacyRegistersNegotiateAndStartTheDeviceOnALegacyRing() throws Exception {
        assertEquals(1L << 29, io.read(LegacyHeader.HOST_FEATURES, 4), "the low 32 bits; never VERSION_1");
        io.write(LegacyHeader.DEVICE_STATUS, 1, 0);
        io.write(LegacyHeader.DEVICE_STATUS, 1, STATUS_ACK_DRIVER);
        io.write(LegacyHeader.GUEST_FEATURES, 4, (1L << 29) | (1L << 5));
        assertEquals(1L << 29, io.read(LegacyHeader.GUEST_FEATURES, 4), "a bit not offered is left out");

        io.write(LegacyHeader.CONFIG_VECTOR, 2, 0);
        assertEquals(0, io.read(LegacyHeader.CONFIG_VECTOR, 2));
        io.write(LegacyHeader.QUEUE_SELECT, 2, 1);
        assertEquals(1, io.read(LegacyHeader.QUEUE_SELECT, 2));
        assertEquals(256, io.read(LegacyHeader.QUEUE_SIZE, 2), "the legacy queue size is the device's");
        assertEquals(0, io.read(LegacyHeader.QUEUE_PFN, 4), "no ring yet");
        io.write(LegacyHeader.QUEUE_SIZE, 2, 16);
        assertEquals(256, io.read(LegacyHeader.QUEUE_SIZE, 2), "and read-only");
        io.write(LegacyHeader.QUEUE_VECTOR, 2, 2);
        assertEquals(2, io.read(LegacyHeader.QUEUE_VECTOR, 2));
        io.write(LegacyHeader.QUEUE_VECTOR, 2, 7);
        assertEquals(0xFFFF, io.read(LegacyHeader.QUEUE_VECTOR, 2), "a vector beyond the table reads NO_VECTOR");
        io.write(LegacyHeader.QUEUE_VECTOR, 2, 2);
        TestDriver ring = new TestDriver(memory, 0x20000, 256, true, false, 0);
        io.write(LegacyHeader.QUEUE_PFN, 4, 0x20);
        assertEquals(0x20, io.read(LegacyHeader.QUEUE_PFN, 4));

        io.write(LegacyHeader.DEVICE_STATUS, 1, STATUS_ACK_DRIVER | DRIVER_OK);
        assertEquals(STATUS_ACK_DRIVER | DRIVER_OK, io.read(LegacyHeader.DEVICE_STATUS, 1));
        assertNotNull(device.activation, "DRIVER_OK without FEATURES_OK starts a legacy driver's device");
        assertEquals(1L << 29, device.activation.features(), "no VERSION_1: the device follows the legacy rules");
        assertNull(device.activation.queue(0), "queue 0 got no ring");
        QueueConfig q = device.activation.queue(1).config();
        assertEquals(List.of(ring.descTable(), ring.availRing(), ring.usedRing()),
                List.of(q.descTable(), q.availRing(), q.usedRing()), "the legacy layout, used ring "
                        + "aligned to 4096");

        int before = pci.ioEventCount();
        device.activation.kicks(1).await(0);
        io.write(LegacyHeader.QUEUE_NOTIFY, 2, 1);
        assertEquals(1, device.activation.kicks(1).await(0), "the notify reaches the queue's notifier");
        assertEquals(before, pci.ioEventCount());
        device.activation.interruptQueue(1);
        assertEquals(List.of(2), pci.vectors());
        assertEquals(1, io.read(LegacyHeader.ISR, 1));
        assertEquals(0, io.read(LegacyHeader.ISR, 1), "reading the ISR clears it");

        assertEquals(0x55667788L, io.read(LegacyHeader.CONFIG_MSIX, 4), "configuration after the vectors");
        pci.msixEnabled(false);
        assertEquals(0x55667788L, io.read(LegacyHeader.CONFIG, 4), "at 20 while MSI-X is off");
    }

    @Test
    void aDriverUsesOneInterfaceUntilItResetsTheDevice() {
        io.write(LegacyHeader.DEVICE_STATUS, 1, 1);
        modern.write(CommonConfig.DEVICE_STATUS, 1, 3);
        assertEquals(1, io.read(LegacyHeader.DEVICE_STATUS, 1), "the modern write was refused");
        modern.write(CommonConfig.DEVICE_STATUS, 1, 0);
        modern.write(CommonConfig.DEVICE_STATUS, 1, 1);
        assertEquals(1, modern.read(CommonConfig.DEVICE_STATUS, 1), "after a reset the modern interface is free");
        io.write(LegacyHeader.DEVICE_STATUS, 1, 3);
        assertEquals(1, modern.read(CommonConfig.DEVICE_STATUS, 1), "and the legacy one refused");
    }

    @Test
    void garbageInTheLegacyRegistersIsRefusedWithoutHarm() {
        io.write(LegacyHeader.DEVICE_STATUS, 1, STATUS_ACK_DRIVER);
        io.write(LegacyHeader.QUEUE_SELECT, 2, 9);
        assertEquals(0, io.read(LegacyHeader.QUEUE_SIZE, 2), "no queue 9: size 0, as a driver expects");
        io.write(LegacyHeader.QUEUE_PFN, 4, 0x30);
        assertEquals(0, io.read(LegacyHeader.QUEUE_PFN, 4));
        io.write(LegacyHeader.QUEUE_SELECT, 2, 0);
        io.write(LegacyHeader.QUEUE_PFN, 4, 0xFFFF_FFF0L);
        assertEquals(0, io.read(LegacyHeader.QUEUE_PFN, 4), "a ring outside RAM is refused");
        io.write(LegacyHeader.QUEUE_PFN, 4, (RAM >> 12) - 1);
        assertEquals(0, io.read(LegacyHeader.QUEUE_PFN, 4), "so is one that runs past its end");
        io.write(LegacyHeader.QUEUE_NOTIFY, 2, 0xFFFF);
        io.write(0x1F, 1, 0xFF);
        assertEquals(STATUS_ACK_DRIVER, io.read(LegacyHeader.DEVICE_STATUS, 1), "the device is still there");
    }

    @Test
    void aQueuePfnOfZeroResetsTheDeviceAsQemuDoes() {
        io.write(LegacyHeader.DEVICE_STATUS, 1, STATUS_ACK_DRIVER);
        new TestDriver(memory, 0x20000, 256, false, false, 0);
        io.write(LegacyHeader.QUEUE_PFN, 4, 0x20);
        io.write(LegacyHeader.DEVICE_STATUS, 1, STATUS_ACK_DRIVER | DRIVER_OK);
        assertNotNull(device.activation);
        io.write(LegacyHeader.QUEUE_PFN, 4, 0);
        assertEquals(0, io.read(LegacyHeader.DEVICE_STATUS, 1));
        assertEquals(1, device.resets);
    }

    @Test
    void aLegacyOnlyFunctionHasNoModernStructuresAndBindsItsNotifyPort() throws Exception {
        StubDeviceContext other = new StubDeviceContext("t1").withRam(memory, RAM).withPci();
        VirtioPciTransport.plug(other, new VirtioPciTransportTest.FakeDevice(), VirtioPciMode.LEGACY);
        PciFunctionSpec legacy = other.pciSpec();
        assertEquals(0x1005, legacy.deviceId());
        assertEquals(List.of(), legacy.capabilities());
        assertEquals(List.of(0, 1), legacy.bars().stream().map(PciBar::index).toList());
        assertEquals(2, other.pci().ioEventCount(), "one port binding per queue, by the queue index written");
    }

    @Test
    void theSavedStateKeepsTheInterfaceAndTheLegacyRing() throws Exception {
        io.write(LegacyHeader.DEVICE_STATUS, 1, STATUS_ACK_DRIVER);
        io.write(LegacyHeader.GUEST_FEATURES, 4, 1L << 29);
        new TestDriver(memory, 0x20000, 256, true, false, 0);
        io.write(LegacyHeader.QUEUE_SELECT, 2, 1);
        io.write(LegacyHeader.QUEUE_PFN, 4, 0x20);
        io.write(LegacyHeader.DEVICE_STATUS, 1, STATUS_ACK_DRIVER | DRIVER_OK);
        StateRecord state = HandOver.takeState((VirtioPciTransport) transport);
        assertEquals(2, state.version());
        assertEquals("TRANSITIONAL", state.getString("mode"));
        assertEquals(VirtioPciTransport.DRIVER_LEGACY, state.getInt("driverInterface"));

        VirtioPciTransportTest.FakeDevice next = new VirtioPciTransportTest.FakeDevice();
        StubDeviceContext again = new StubDeviceContext("t0").withRam(memory, RAM).withPci(pci);
        VirtioPciTransport.restore(again, next, state);
        BusHandler io2 = again.pciSpec().bars().get(0).handler();
        assertEquals(0x1005, again.pciSpec().deviceId());
        assertEquals(1, io2.read(LegacyHeader.QUEUE_SELECT, 2));
        assertEquals(0x20, io2.read(LegacyHeader.QUEUE_PFN, 4));
        assertEquals(1L << 29, next.activation.features());
        BusHandler modern2 = again.pciSpec().bars().get(2).handler();
        modern2.write(CommonConfig.DEVICE_STATUS, 1, 1);
        assertEquals(STATUS_ACK_DRIVER | DRIVER_OK, io2.read(LegacyHeader.DEVICE_STATUS, 1), "the driver still "
                + "uses the legacy interface: a modern write is refused");
    }

    @Test
    void aVersion1RecordIsOfAModernOnlyFunction() throws Exception {
        StubDeviceContext first = new StubDeviceContext("t2").withRam(memory, RAM).withPci();
        VirtioPciTransport old = (VirtioPciTransport) VirtioPciTransport.plug(first,
                new VirtioPciTransportTest.FakeDevice(), VirtioPciMode.MODERN);
        StateRecord state = HandOver.withVersion(HandOver.takeState(old), 1);
        StubDeviceContext again = new StubDeviceContext("t2").withRam(memory, RAM).withPci(first.pci());
        VirtioPciTransport.restore(again, new VirtioPciTransportTest.FakeDevice(), state);
        assertEquals(0x1044, again.pciSpec().deviceId(), "restored as the modern-only function it was");
        assertEquals(1, again.pciSpec().revision());
    }
}
