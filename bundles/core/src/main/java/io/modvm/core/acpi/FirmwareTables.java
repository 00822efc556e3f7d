package io.modvm.core.acpi;

import io.modvm.api.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the tables a PC firmware leaves for the OS: the ACPI tables (RSDP, XSDT, FADT, FACS, MADT, DSDT) in
 * the BIOS area and an MP table in the EBDA, both describing {@code vcpus} CPUs, the IOAPIC and the PM
 * registers of {@link PcPlatform}.
 */
public final class FirmwareTables {
    private FirmwareTables() {
    }

    /** Writes all tables, without PCI hotplug, and returns the guest-physical address of the RSDP. */
    public static long write(GuestMemory memory, int vcpus) {
        return write(memory, vcpus, false);
    }

    /**
     * Writes all tables and returns the guest-physical address of the RSDP. With {@code pciHotplug}, the FADT lists
     * the GPE0 block and the DSDT describes ACPI PCI hotplug of bus 0 ({@link #pciHotplugAml}); the machine must then
     * serve {@link AcpiGpe} at {@link PcPlatform#GPE0_BLOCK_PORT} and the {@code PciHotplug} registers at
     * {@link PcPlatform#PCI_HOTPLUG_PORT}, or the guest reads all ones there and takes every GPE as pending.
     */
    public static long write(GuestMemory memory, int vcpus, boolean pciHotplug) {
        MpTable.write(memory, vcpus);
        return writeAcpi(memory, vcpus, pciHotplug);
    }

    static long writeAcpi(GuestMemory memory, int vcpus) {
        return writeAcpi(memory, vcpus, false);
    }

    static long writeAcpi(GuestMemory memory, int vcpus, boolean pciHotplug) {
        long at = PcPlatform.ACPI_AREA;
        long rsdp = at;
        at += 64;
        long facs = at;
        memory.write(facs, facs(), 0, 64);
        at += 64;
        byte[] dsdt = dsdt(pciHotplug).build();
        long dsdtAddress = at;
        at = place(memory, at, dsdt);
        long fadt = at;
        at = place(memory, at, fadt(facs, dsdtAddress, pciHotplug).build());
        long madt = at;
        at = place(memory, at, madt(vcpus).build());
        long xsdt = at;
        at = place(memory, at, new AcpiTable("XSDT", 1, "MODVMXSD").u64(fadt).u64(madt).build());
        if (at > PcPlatform.ACPI_AREA + PcPlatform.ACPI_AREA_SIZE) {
            throw new IllegalStateException("ACPI tables overflow the BIOS area");
        }
        byte[] r = rsdp(xsdt);
        memory.write(rsdp, r, 0, r.length);
        return rsdp;
    }

    private static long place(GuestMemory memory, long at, byte[] table) {
        memory.write(at, table, 0, table.length);
        return (at + table.length + 15) & ~15L;
    }

    static byte[] rsdp(long xsdt) {
        byte[] r = new byte[36];
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RSD PTR ".getBytes(StandardCharsets.US_ASCII));
        b.put((byte) 0);
        b.put(AcpiTable.OEM_ID.getBytes(StandardCharsets.US_ASCII));
        b.put((byte) 2);
        b.putInt(0);
        b.putInt(36);
        b.putLong(xsdt);
        r[8] = AcpiTable.checksum(r, 0, 20);
        r[32] = AcpiTable.checksum(r, 0, 36);
        return r;
    }

    static byte[] facs() {
        byte[] f = new byte[64];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        b.put("FACS".getBytes(StandardCharsets.US_ASCII));
        b.putInt(64);
        b.put(32, (byte) 2);
        return f;
    }

    /**
     * FADT revision 6. Only the 32-bit block addresses are given; the 64-bit X_ blocks stay zero, so that ACPICA
     * derives them and finds no mismatch to warn about. The tables all live below 1 MiB. With {@code gpe0}, the GPE0
     * block is listed (32-bit address and length only, like the PM1 blocks).
     */
    static AcpiTable fadt(long facs, long dsdt) {
        return fadt(facs, dsdt, false);
    }

    static AcpiTable fadt(long facs, long dsdt, boolean gpe0) {
        AcpiTable t = new AcpiTable("FACP", 6, "MODVMFAC");
        t.u32(facs).u32(dsdt);
        t.u8(0).u8(0); // reserved, preferred PM profile unspecified
        t.u16(PcPlatform.SCI_IRQ);
        t.u32(0); // no SMI_CMD: the machine is always in ACPI mode
        t.u8(0).u8(0).u8(0).u8(0);
        t.u32(PcPlatform.PM1A_EVENT_PORT).u32(0);
        t.u32(PcPlatform.PM1A_CONTROL_PORT).u32(0);
        t.u32(0); // PM2 control
        t.u32(PcPlatform.PM_TIMER_PORT);
        t.u32(gpe0 ? PcPlatform.GPE0_BLOCK_PORT : 0).u32(0); // GPE0, GPE1
        t.u8(4).u8(2).u8(0).u8(4); // PM1 event, PM1 control, PM2 control, PM timer lengths
        t.u8(gpe0 ? PcPlatform.GPE0_BLOCK_LENGTH : 0).u8(0).u8(0).u8(0); // GPE0/1 lengths, GPE1 base, CST_CNT
        t.u16(0x65).u16(0x3E9); // C2 and C3 latencies above their limits: not supported
        t.u16(0).u16(0);
        t.u8(0).u8(0).u8(0).u8(0).u8(PcPlatform.RTC_CENTURY_REGISTER);
        t.u16(0x3); // IAPC_BOOT_ARCH: legacy devices and an 8042
        t.u8(0);
        // WBINVD, PROC_C1, SLP_BUTTON (no sleep button), RESET_REG_SUP; the power button is the fixed one.
        t.u32(1 | 1 << 2 | 1 << 5 | 1 << 10);
        t.ioAddress(PcPlatform.RESET_PORT, 8, 1);
        t.u8(PcPlatform.RESET_VALUE);
        t.u16(0); // ARM boot arch
        t.u8(0); // FADT minor version
        // X_FIRMWARE_CTRL stays zero: with both FACS pointers set, ACPICA installs (and Linux lists) it twice.
        t.u64(0).u64(dsdt);
        for (int i = 0; i < 6; i++) {
            t.ioAddress(0, 0, 0); // X_PM1a/b event, X_PM1a/b control, X_PM2, X_PM timer
        }
        t.ioAddress(0, 0, 0).ioAddress(0, 0, 0); // X_GPE0, X_GPE1
        t.ioAddress(0, 0, 0).ioAddress(0, 0, 0); // sleep control and status (hardware-reduced only)
        t.u64(0); // hypervisor vendor identity
        return t;
    }

    static AcpiTable madt(int vcpus) {
        AcpiTable t = new AcpiTable("APIC", 4, "MODVMAPI");
        t.u32(PcPlatform.LAPIC_ADDRESS).u32(1); // PCAT_COMPAT: there is an 8259 pair too
        for (int cpu = 0; cpu < vcpus; cpu++) {
            t.u8(0).u8(8).u8(cpu).u8(cpu).u32(1); // processor local APIC, enabled
        }
        t.u8(1).u8(12).u8(0).u8(0).u32(PcPlatform.IOAPIC_ADDRESS).u32(0);
        t.u8(2).u8(10).u8(0).u8(0).u32(2).u16(0); // ISA IRQ 0 (the PIT) arrives on GSI 2
        t.u8(2).u8(10).u8(0).u8(PcPlatform.SCI_IRQ).u32(PcPlatform.SCI_IRQ).u16(0xD); // SCI: level, high
        t.u8(4).u8(6).u8(0xFF).u16(0).u8(1); // LINT1 of every CPU is NMI
        return t;
    }

    /** {@code \_S5} for power-off; devices join the namespace as later issues add them. */
    static AcpiTable dsdt() {
        return dsdt(false);
    }

    static AcpiTable dsdt(boolean pciHotplug) {
        return new AcpiTable("DSDT", 2, "MODVMDSD").bytes(dsdtAml(pciHotplug));
    }

    static byte[] dsdtAml() {
        return dsdtAml(false);
    }

    static byte[] dsdtAml(boolean pciHotplug) {
        if (!pciHotplug) {
            return Aml.concat(s5(), pciRoot());
        }
        return Aml.concat(s5(), pciRoot(pciHotplugAml()), gpeHandlers());
    }

    /** {@code \\_S5}: the SLP_TYP value that powers off. */
    static byte[] s5() {
        return Aml.nameOf("\\_S5", Aml.pkg(Aml.integer(PcPlatform.SLP_TYP_S5), Aml.integer(PcPlatform.SLP_TYP_S5),
                Aml.integer(0), Aml.integer(0)));
    }

    /**
     * The PCI root bridge: bus 0 behind ports 0xCF8-0xCFF, forwarding every other port and the 32-bit hole, so that
     * the OS keeps the BAR addresses the core assigned instead of moving them; and its interrupt routing table.
     */
    static byte[] pciRoot(byte[]... more) {
        byte[] crs = new ResourceTemplate()
                .busNumbers(0, 0xFF)
                .ioPorts(0xCF8, 8)
                .ioWindow(0x0000, 0x0CF7)
                .ioWindow(0x0D00, 0xFFFF)
                .memory32(PcPlatform.PCI_HOLE_START, PcPlatform.PCI_HOLE_END - 1)
                .toAml();
        return Aml.scope("\\_SB", Aml.device("PCI0",
                Aml.nameOf("_HID", Aml.eisaId("PNP0A03")),
                Aml.nameOf("_UID", Aml.integer(0)),
                Aml.nameOf("_BBN", Aml.integer(0)),
                Aml.nameOf("_CRS", crs),
                Aml.nameOf("_PRT", pciRouting()),
                Aml.concat(more)));
    }

    /**
     * {@code _PRT}: where each slot's INTA# to INTD# go, as {@code Package { _ADR of the slot (function FFFF), pin
     * (0 = INTA#), 0, GSI }} entries, one per slot and pin. A source of 0 names the GSI itself, which the OS then
     * programs level-triggered and active low (ACPI 6.4, 6.2.13): the four IOAPIC inputs of
     * {@link PcPlatform#pciIntxGsi}. A plain package, so the guest's interpreter runs nothing to read it.
     */
    static byte[] pciRouting() {
        List<byte[]> entries = new ArrayList<>();
        for (int slot = 0; slot < PCI_SLOTS; slot++) {
            for (int pin = 1; pin <= PcPlatform.PCI_INTX_LINES; pin++) {
                entries.add(Aml.pkg(Aml.integer((long) slot << 16 | 0xFFFF), Aml.integer(pin - 1), Aml.integer(0),
                        Aml.integer(PcPlatform.pciIntxGsi(slot, pin))));
            }
        }
        return Aml.pkg(entries.toArray(new byte[0][]));
    }

    /** The slot bitmaps the hotplug AML reads and the eject register it writes (the {@code PciHotplug} block). */
    private static final String PCI_UP = "PCIU";
    private static final String PCI_DOWN = "PCID";
    private static final String PCI_EJECT = "B0EJ";
    private static final int DEVICE_CHECK = 1;
    private static final int EJECT_REQUEST = 3;
    private static final int PCI_SLOTS = 32;

    /**
     * What {@code \_SB.PCI0} holds for ACPI PCI hotplug (the layout of QEMU's PIIX4 DSDT, without bus select since
     * only bus 0 hotplugs):
     * <pre>
     * OperationRegion (PCST, SystemIO, 0xAE00, 0x10)
     * Field (PCST, DWordAcc, NoLock, WriteAsZeros) { PCIU, 32, PCID, 32, B0EJ, 32 }
     * Method (PCEJ, 1) { Store (ShiftLeft (One, Arg0), B0EJ)  Return (Zero) }   // eject slot Arg0
     * Method (DVNT, 2) { If (And (Arg0, 0x02)) { Notify (S01, Arg1) } ... one If per slot 1-31 }
     * Method (PCNT, 0) { DVNT (PCIU, One)  DVNT (PCID, 0x03) }                 // device check, eject request
     * Device (PHPR) { _HID "PNP0A06", _UID "PCI Hotplug resources", _STA 0x0B, _CRS IO (0xAE00, 0x10) }
     * Device (S01) { Name (_ADR, 0x00010000)  Name (_SUN, 1)  Method (_EJ0, 1) { PCEJ (_SUN) } }
     * ... Device (S02) to Device (S1F)
     * </pre>
     * Straight-line code only: PCNT reads each bitmap once (reading PCIU clears it), and no loop runs in the guest's
     * interpreter.
     */
    static byte[] pciHotplugAml() {
        List<byte[]> terms = new ArrayList<>();
        terms.add(Aml.operationRegion("PCST", Aml.SYSTEM_IO, PcPlatform.PCI_HOTPLUG_PORT,
                PcPlatform.PCI_HOTPLUG_LENGTH));
        terms.add(Aml.field("PCST", Aml.DWORD_ACC, Aml.WRITE_AS_ZEROS, new Aml.FieldUnit(PCI_UP, 32),
                new Aml.FieldUnit(PCI_DOWN, 32), new Aml.FieldUnit(PCI_EJECT, 32)));
        terms.add(Aml.method("PCEJ", 1, false,
                Aml.store(Aml.shiftLeft(Aml.integer(1), Aml.arg(0)), Aml.name(PCI_EJECT)),
                Aml.ret(Aml.integer(0))));
        List<byte[]> notifies = new ArrayList<>();
        for (int slot = 1; slot < PCI_SLOTS; slot++) {
            notifies.add(Aml.ifThen(Aml.and(Aml.arg(0), Aml.integer(1L << slot)),
                    Aml.notify(slotDevice(slot), Aml.arg(1))));
        }
        terms.add(Aml.method("DVNT", 2, false, notifies.toArray(new byte[0][])));
        terms.add(Aml.method("PCNT", 0, false,
                Aml.call("DVNT", Aml.name(PCI_UP), Aml.integer(DEVICE_CHECK)),
                Aml.call("DVNT", Aml.name(PCI_DOWN), Aml.integer(EJECT_REQUEST))));
        terms.add(Aml.device("PHPR",
                Aml.nameOf("_HID", Aml.string("PNP0A06")),
                Aml.nameOf("_UID", Aml.string("PCI Hotplug resources")),
                Aml.nameOf("_STA", Aml.integer(0x0B)),
                Aml.nameOf("_CRS", new ResourceTemplate().ioPorts(PcPlatform.PCI_HOTPLUG_PORT,
                        PcPlatform.PCI_HOTPLUG_LENGTH).toAml())));
        for (int slot = 1; slot < PCI_SLOTS; slot++) {
            terms.add(Aml.device(slotDevice(slot),
                    Aml.nameOf("_ADR", Aml.integer((long) slot << 16)),
                    Aml.nameOf("_SUN", Aml.integer(slot)),
                    Aml.method("_EJ0", 1, false, Aml.call("PCEJ", Aml.name("_SUN")))));
        }
        return Aml.concat(terms.toArray(new byte[0][]));
    }

    /** {@code Scope (\_GPE) { Method (_E01) { \_SB.PCI0.PCNT () } }}: the hotplug GPE, edge-triggered. */
    static byte[] gpeHandlers() {
        String method = String.format("_E%02X", PcPlatform.PCI_HOTPLUG_GPE);
        return Aml.scope("\\_GPE", Aml.method(method, 0, false, Aml.call("\\_SB.PCI0.PCNT")));
    }

    /** {@code S01} to {@code S1F}: the slot devices under {@code PCI0} are named by the slot number in hex. */
    static String slotDevice(int slot) {
        return String.format("S%02X", slot);
    }
}
