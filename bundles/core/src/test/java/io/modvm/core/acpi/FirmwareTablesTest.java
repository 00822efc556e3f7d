package io.modvm.core.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.core.memory.HeapRam;
import io.modvm.core.memory.RamGuestMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads the tables back from guest memory the way an OS does: from the RSDP, through the XSDT. */
class FirmwareTablesTest {
    private static final int RAM = 2 << 20;
    private final RamGuestMemory memory = new RamGuestMemory.Builder().add(0, new HeapRam(RAM), 0, RAM).build();

    private String signature(long at) {
        byte[] s = new byte[4];
        memory.read(at, s, 0, 4);
        return new String(s, StandardCharsets.US_ASCII);
    }

    private int sum(long at, int length) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += memory.readByte(at + i);
        }
        return sum & 0xFF;
    }

    private long table(String wanted, long xsdt) {
        int entries = (memory.readInt(xsdt + 4) - 36) / 8;
        for (int i = 0; i < entries; i++) {
            long t = memory.readLong(xsdt + 36 + 8L * i);
            if (signature(t).equals(wanted)) {
                return t;
            }
        }
        throw new AssertionError(wanted + " not in the XSDT");
    }

    @Test
    void everyTableIsReachableWithValidChecksumsAndLengths() {
        long rsdp = FirmwareTables.write(memory, 2);
        assertEquals(PcPlatform.ACPI_AREA, rsdp);
        byte[] sig = new byte[8];
        memory.read(rsdp, sig, 0, 8);
        assertEquals("RSD PTR ", new String(sig, StandardCharsets.US_ASCII));
        assertEquals(0, sum(rsdp, 20), "ACPI 1.0 checksum");
        assertEquals(0, sum(rsdp, 36), "extended checksum");
        assertEquals(2, memory.readByte(rsdp + 15), "revision 2: use the XSDT");
        assertEquals(36, memory.readInt(rsdp + 20));
        long xsdt = memory.readLong(rsdp + 24);
        assertEquals("XSDT", signature(xsdt));
        assertEquals(36 + 16, memory.readInt(xsdt + 4));
        for (long t : List.of(xsdt, table("FACP", xsdt), table("APIC", xsdt))) {
            assertEquals(0, sum(t, memory.readInt(t + 4)), signature(t) + " checksum");
        }
        long fadt = table("FACP", xsdt);
        assertEquals(276, memory.readInt(fadt + 4), "FADT revision 6 length");
        assertEquals(6, memory.readByte(fadt + 8));
        long dsdt = memory.readInt(fadt + 40) & 0xFFFFFFFFL;
        assertEquals(dsdt, memory.readLong(fadt + 140), "X_DSDT equals DSDT");
        assertEquals("DSDT", signature(dsdt));
        assertEquals(0, sum(dsdt, memory.readInt(dsdt + 4)), "DSDT checksum");
        long facs = memory.readInt(fadt + 36) & 0xFFFFFFFFL;
        assertEquals("FACS", signature(facs));
        assertEquals(0, facs & 63, "FACS is 64-byte aligned");
        assertEquals(0, memory.readLong(fadt + 132), "one FACS pointer only, or the OS installs it twice");
    }

    @Test
    void fadtDescribesThePmRegistersAndReset() {
        long fadt = table("FACP", memory.readLong(FirmwareTables.write(memory, 1) + 24));
        assertEquals(PcPlatform.SCI_IRQ, memory.readShort(fadt + 46));
        assertEquals(0, memory.readInt(fadt + 48), "no SMI_CMD");
        assertEquals(PcPlatform.PM1A_EVENT_PORT, memory.readInt(fadt + 56));
        assertEquals(PcPlatform.PM1A_CONTROL_PORT, memory.readInt(fadt + 64));
        assertEquals(PcPlatform.PM_TIMER_PORT, memory.readInt(fadt + 76));
        assertEquals(4, memory.readByte(fadt + 88));
        assertEquals(2, memory.readByte(fadt + 89));
        assertEquals(4, memory.readByte(fadt + 91));
        assertEquals(3, memory.readShort(fadt + 109), "legacy devices and an 8042");
        assertTrue((memory.readInt(fadt + 112) & 1 << 10) != 0, "RESET_REG_SUP");
        assertEquals(1, memory.readByte(fadt + 116), "reset register in I/O space");
        assertEquals(PcPlatform.RESET_PORT, memory.readLong(fadt + 120));
        assertEquals(PcPlatform.RESET_VALUE, memory.readByte(fadt + 128));
    }

    @Test
    void withoutHotplugThereIsNoGpeBlockAndNoSlotObjects() {
        long fadt = table("FACP", memory.readLong(FirmwareTables.write(memory, 1) + 24));
        assertEquals(0, memory.readInt(fadt + 80), "no GPE0_BLK");
        assertEquals(0, memory.readByte(fadt + 92), "GPE0_BLK_LEN 0");
        String aml = new String(FirmwareTables.dsdtAml(), StandardCharsets.ISO_8859_1);
        assertFalse(aml.contains("PCNT") || aml.contains("_GPE") || aml.contains("S01_"));
    }

    @Test
    void hotplugAddsTheGpeBlockAndTheSlotObjectsAndKeepsTheRest() {
        long rsdp = FirmwareTables.write(memory, 2, true);
        long xsdt = memory.readLong(rsdp + 24);
        long fadt = table("FACP", xsdt);
        assertEquals(0, sum(fadt, memory.readInt(fadt + 4)), "FADT checksum");
        assertEquals(276, memory.readInt(fadt + 4), "still revision 6 in length");
        assertEquals(PcPlatform.GPE0_BLOCK_PORT, memory.readInt(fadt + 80), "GPE0_BLK");
        assertEquals(PcPlatform.GPE0_BLOCK_LENGTH, memory.readByte(fadt + 92), "GPE0_BLK_LEN");
        assertEquals(0, memory.readInt(fadt + 84), "no GPE1_BLK");
        assertEquals(0, memory.readLong(fadt + 220 + 4), "X_GPE0_BLK left for the OS to derive");
        long dsdt = memory.readInt(fadt + 40) & 0xFFFFFFFFL;
        int length = memory.readInt(dsdt + 4);
        assertEquals(0, sum(dsdt, length), "DSDT checksum");
        byte[] body = new byte[length - 36];
        memory.read(dsdt + 36, body, 0, body.length);
        String aml = new String(body, StandardCharsets.ISO_8859_1);
        assertTrue(aml.startsWith(new String(FirmwareTables.s5(), StandardCharsets.ISO_8859_1)), "\\_S5 first");
        assertTrue(aml.contains("PCI0") && aml.contains("_CRS"), "\\_SB.PCI0");
        for (String name : List.of("PCST", "PCIU", "PCID", "B0EJ", "PCEJ", "DVNT", "PCNT", "PHPR", "_GPE", "_E01")) {
            assertTrue(aml.contains(name), name);
        }
        for (int slot = 1; slot < 32; slot++) {
            // Device (Sxx) { Name (_ADR, ...: the padded name, then NameOp (0x08, "\b") and _ADR
            assertTrue(aml.contains(FirmwareTables.slotDevice(slot) + "_\b_ADR"), "slot " + slot);
        }
        assertFalse(aml.contains("S00_") || aml.contains("S20_"), "slot 0 is the host bridge; there are 31 others");
        assertTrue(FirmwareTables.dsdtAml(true).length < 4096, "small: " + FirmwareTables.dsdtAml(true).length);
    }

    @Test
    void theRootBridgeRoutesEverySlotsFourPinsToGsi16To19() {
        for (boolean hotplug : new boolean[] {false, true}) {
            String aml = new String(FirmwareTables.dsdtAml(hotplug), StandardCharsets.ISO_8859_1);
            assertTrue(aml.contains("_PRT"), "_PRT with hotplug " + hotplug);
        }
        byte[] prt = FirmwareTables.pciRouting();
        assertEquals(0x12, prt[0], "a Package");
        // PkgLength takes two bytes here, then NumElements: 32 slots of 4 pins.
        assertEquals(128, prt[3] & 0xFF);
        byte[] slot5PinB = Aml.pkg(Aml.integer(0x5FFFF), Aml.integer(1), Aml.integer(0), Aml.integer(18));
        assertTrue(new String(prt, StandardCharsets.ISO_8859_1).contains(new String(slot5PinB,
                StandardCharsets.ISO_8859_1)), "slot 5 INTB# on GSI 16 + (5 + 1) mod 4");
    }

    @Test
    void madtListsEveryCpuTheIoapicAndTheOverrides() {
        long madt = table("APIC", memory.readLong(FirmwareTables.write(memory, 3) + 24));
        assertEquals(PcPlatform.LAPIC_ADDRESS, memory.readInt(madt + 36) & 0xFFFFFFFFL);
        assertEquals(1, memory.readInt(madt + 40), "PCAT_COMPAT");
        int length = memory.readInt(madt + 4);
        List<Integer> types = new ArrayList<>();
        List<Integer> apicIds = new ArrayList<>();
        for (long at = madt + 44; at < madt + length; at += memory.readByte(at + 1) & 0xFF) {
            int type = memory.readByte(at);
            types.add(type);
            if (type == 0) {
                apicIds.add((int) memory.readByte(at + 3));
                assertEquals(1, memory.readInt(at + 4), "enabled");
            }
            if (type == 1) {
                assertEquals(PcPlatform.IOAPIC_ADDRESS, memory.readInt(at + 4) & 0xFFFFFFFFL);
                assertEquals(0, memory.readInt(at + 8), "GSI base");
            }
            if (type == 2 && memory.readByte(at + 3) == 0) {
                assertEquals(2, memory.readInt(at + 4), "IRQ 0 on GSI 2");
            }
            if (type == 2 && memory.readByte(at + 3) == PcPlatform.SCI_IRQ) {
                assertEquals(0xD, memory.readShort(at + 8), "SCI level, active high");
            }
        }
        assertEquals(List.of(0, 1, 2), apicIds);
        assertEquals(List.of(0, 0, 0, 1, 2, 2, 4), types);
    }

    @Test
    void mpTableDescribesCpusBusIoapicAndIsaRouting() {
        MpTable.write(memory, 2);
        long fp = PcPlatform.MP_AREA;
        assertEquals("_MP_", signature(fp));
        assertEquals(0, sum(fp, 16));
        long config = memory.readInt(fp + 4);
        assertEquals("PCMP", signature(config));
        int length = memory.readShort(config + 4);
        assertEquals(0, sum(config, length));
        int count = memory.readShort(config + 34);
        assertEquals(2 + 1 + 1 + 16 + 2, count);
        long at = config + 44;
        int processors = 0;
        int bsp = 0;
        for (int i = 0; i < count; i++) {
            int type = memory.readByte(at);
            if (type == 0) {
                processors++;
                bsp += (memory.readByte(at + 3) & 2) != 0 ? 1 : 0;
            }
            at += type == 0 ? 20 : 8;
        }
        assertEquals(config + length, at, "entries fill the table exactly");
        assertEquals(2, processors);
        assertEquals(1, bsp);
    }
}
