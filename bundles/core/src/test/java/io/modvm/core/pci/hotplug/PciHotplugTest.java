package io.modvm.core.pci.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.BusHandler;
import io.modvm.core.acpi.AcpiGpe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The register block as the DSDT's AML uses it: dword reads of PCIU and PCID, dword writes of B0EJ. */
class PciHotplugTest {
    private final Map<Integer, String> owners = new HashMap<>();
    private final List<Boolean> sci = new ArrayList<>();
    private final AcpiGpe gpe = new AcpiGpe(sci::add);
    private final PciHotplug hotplug = new PciHotplug(owners::get);
    private final BusHandler regs = hotplug.registers();
    private final List<String> ejected = new ArrayList<>();

    PciHotplugTest() {
        hotplug.connect(gpe);
        hotplug.onEject((slot, owner) -> ejected.add(slot + ":" + owner));
        gpe.registers().write(2, 1, 0x02); // the guest enables GPE 1, as ACPICA does for \_GPE._E01
    }

    @Test
    void anAddedSlotIsReportedOnceAndRaisesTheGpe() {
        owners.put(3, "vda");
        hotplug.announceAdded(3);
        assertEquals(List.of(true), sci, "SCI raised");
        assertEquals(0x02, gpe.registers().read(0, 1), "GPE 1 pending");
        assertEquals(1 << 3, regs.read(PciHotplug.UP, 4));
        assertEquals(0, regs.read(PciHotplug.UP, 4), "reading PCIU clears it");
        assertEquals(0, regs.read(PciHotplug.DOWN, 4));
        assertEquals(0xFFFF_FFFEL, regs.read(PciHotplug.HOTPLUGGABLE, 4), "slots 1-31");
        gpe.registers().write(0, 1, 0x02);
        assertEquals(List.of(true, false), sci, "the guest clears the GPE and the SCI drops");
    }

    @Test
    void aRemovalStaysRequestedUntilTheGuestEjects() {
        owners.put(5, "net0");
        hotplug.announceRemovalRequest(5);
        assertTrue(hotplug.removalPending(5));
        assertEquals(1 << 5, regs.read(PciHotplug.DOWN, 4));
        assertEquals(1 << 5, regs.read(PciHotplug.DOWN, 4), "PCID is not cleared by reading");
        assertTrue(ejected.isEmpty(), "nothing happens before the guest's _EJ0");
        regs.write(PciHotplug.EJECT, 4, 1 << 5);
        assertEquals(List.of("5:net0"), ejected);
        assertEquals(0, regs.read(PciHotplug.DOWN, 4), "the eject completes the request");
        assertFalse(hotplug.removalPending(5));
        regs.write(PciHotplug.EJECT, 4, 1 << 5);
        assertEquals(1, ejected.size(), "a second eject before the unplug is ignored");
        owners.remove(5);
        hotplug.slotFreed(5);
        owners.put(5, "net1");
        regs.write(PciHotplug.EJECT, 4, 1 << 5);
        assertEquals(List.of("5:net0", "5:net1"), ejected, "a new function in the slot can be ejected");
    }

    @Test
    void ejectsOfEmptySlotsTheHostBridgeOrNothingAreIgnored() {
        owners.put(2, "a");
        regs.write(PciHotplug.EJECT, 4, 1 | 1 << 7);
        regs.write(PciHotplug.EJECT, 4, 0);
        assertTrue(ejected.isEmpty());
        regs.write(PciHotplug.EJECT + 0, 1, 1 << 2);
        assertEquals(List.of("2:a"), ejected, "a guest may eject without being asked, with any access width");
        assertEquals(0, regs.read(PciHotplug.EJECT, 4), "B0EJ reads 0");
        assertEquals(-1L, regs.read(PciHotplug.HOTPLUGGABLE + 4, 4), "outside the block");
        regs.write(0x10, 4, -1L);
    }

    @Test
    void announcementsNeedAFunctionInTheSlotAndAGpe() {
        assertThrows(IllegalStateException.class, () -> hotplug.announceAdded(4), "empty slot");
        assertThrows(IllegalArgumentException.class, () -> hotplug.announceAdded(0), "the host bridge");
        assertThrows(IllegalArgumentException.class, () -> hotplug.announceRemovalRequest(32));
        owners.put(4, "x");
        PciHotplug unconnected = new PciHotplug(owners::get);
        assertThrows(IllegalStateException.class, () -> unconnected.announceAdded(4), "no GPE block");
        assertTrue(sci.isEmpty());
    }

    @Test
    void resetCompletesPendingRemovalsAndForgetsAdditions() {
        owners.put(1, "gone");
        owners.put(2, "stays");
        owners.put(3, "new");
        hotplug.announceRemovalRequest(1);
        hotplug.announceAdded(3);
        hotplug.reset();
        assertEquals(List.of("1:gone"), ejected);
        assertEquals(0, regs.read(PciHotplug.UP, 4));
        assertEquals(0, regs.read(PciHotplug.DOWN, 4));
        hotplug.reset();
        assertEquals(1, ejected.size(), "completed once");
    }

    @Test
    void aFailingListenerDoesNotReachTheGuest() {
        owners.put(6, "bad");
        hotplug.onEject((slot, owner) -> {
            throw new IllegalStateException("boom");
        });
        regs.write(PciHotplug.EJECT, 4, 1 << 6);
        hotplug.onEject(null);
        owners.put(7, "unheard");
        regs.write(PciHotplug.EJECT, 4, 1 << 7);
        assertTrue(ejected.isEmpty());
    }
}
