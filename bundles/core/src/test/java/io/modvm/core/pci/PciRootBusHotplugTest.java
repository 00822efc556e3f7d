package io.modvm.core.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.core.acpi.AcpiGpe;
import io.modvm.core.pci.hotplug.PciHotplug;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The root bus's side of hotplug: which slots an owner holds, announcements, and the eject that ends in unplug. */
class PciRootBusHotplugTest {
    private final PciRootBus bus = new PciRootBus(new PciRootBusTest.RecordingHost(), new PciRootBusTest.RecordingIntx(),
            0xC000_0000L, 0xFEC0_0000L);
    private final List<Boolean> sci = new ArrayList<>();
    private final AcpiGpe gpe = new AcpiGpe(sci::add);
    private final PciHotplug hotplug = bus.hotplug();

    PciRootBusHotplugTest() {
        hotplug.connect(gpe);
        gpe.registers().write(2, 1, 0x02);
    }

    private static PciFunctionSpec spec() {
        return new PciFunctionSpec(0x1af4, 0x1042, 1, 0x010000, 0x1af4, 0x1100, List.of(), List.of(), 0, 0, 0, null);
    }

    private int read(int offset) {
        return (int) hotplug.registers().read(offset, 4);
    }

    @Test
    void coldPlugAnnouncesNothing() throws DeviceException {
        bus.plug("boot-disk", spec());
        assertEquals(0, read(PciHotplug.UP));
        assertTrue(sci.isEmpty(), "a function plugged before the guest runs is simply there");
        assertEquals("boot-disk", bus.ownerOf(2), "slot 2 is the first after the chipset's (QEMU pc's layout)");
        assertNull(bus.ownerOf(0), "the host bridge has no owner");
        assertNull(bus.ownerOf(1), "nor has the chipset (PIIX3, PIIX4)");
        assertNull(bus.ownerOf(3));
    }

    @Test
    void hotAddThenGuestEjectEndsInUnplug() throws DeviceException {
        bus.plug("boot-disk", spec());
        bus.plug("vdb", spec());
        bus.announcePlugged("vdb");
        assertEquals(List.of(true), sci);
        assertEquals(1 << 3, read(PciHotplug.UP));
        List<String> deleted = new ArrayList<>();
        hotplug.onEject((slot, owner) -> {
            bus.unplug(owner);
            deleted.add(owner);
        });
        assertTrue(bus.requestUnplug("vdb"));
        assertEquals(1 << 3, read(PciHotplug.DOWN));
        assertEquals("vdb", bus.ownerOf(3), "plugged until the guest ejects");
        hotplug.registers().write(PciHotplug.EJECT, 4, 1 << 3);
        assertEquals(List.of("vdb"), deleted);
        assertNull(bus.ownerOf(3));
        assertEquals(0, read(PciHotplug.DOWN));
        assertEquals(List.of(2), bus.slotsOf("boot-disk"));
        assertFalse(bus.requestUnplug("vdb"), "gone");
        assertThrows(IllegalStateException.class, () -> bus.announcePlugged("vdb"));
    }

    @Test
    void resetCompletesARemovalTheGuestIgnored() throws DeviceException {
        bus.plug("stubborn", spec());
        hotplug.onEject((slot, owner) -> bus.unplug(owner));
        bus.requestUnplug("stubborn");
        bus.reset();
        assertTrue(bus.slotsOf("stubborn").isEmpty());
        assertEquals(3, bus.describe().size(), "only the chipset is left: host bridge, PIIX3, PIIX4 PM");
    }

    @Test
    void anUnplugWithoutTheGuestForgetsTheSlot() throws DeviceException {
        bus.plug("a", spec());
        bus.requestUnplug("a");
        bus.unplug("a");
        assertFalse(hotplug.removalPending(1));
        bus.plug("b", spec());
        assertFalse(hotplug.removalPending(1), "the new function in slot 1 is not asked to leave");
    }
}
