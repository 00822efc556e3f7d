package io.modvm.core.acpi;

import io.modvm.api.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes the tables a PC firmware leaves for the OS: the ACPI tables (RSDP, XSDT, FADT, FACS, MADT, DSDT) in
 * the BIOS area and an MP table in the EBDA, both describing {@code vcpus} CPUs, the IOAPIC and the PM
 * registers of {@link PcPlatform}.
 */
public final class FirmwareTables {
    private FirmwareTables() {
    }

    /** Writes all tables and returns the guest-physical address of the RSDP. */
    public static long write(GuestMemory memory, int vcpus) {
        MpTable.write(memory, vcpus);
        return writeAcpi(memory, vcpus);
    }

    static long writeAcpi(GuestMemory memory, int vcpus) {
        long at = PcPlatform.ACPI_AREA;
        long rsdp = at;
        at += 64;
        long facs = at;
        memory.write(facs, facs(), 0, 64);
        at += 64;
        byte[] dsdt = dsdt().build();
        long dsdtAddress = at;
        at = place(memory, at, dsdt);
        long fadt = at;
        at = place(memory, at, fadt(facs, dsdtAddress).build());
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
     * derives them and finds no mismatch to warn about. The tables all live below 1 MiB.
     */
    static AcpiTable fadt(long facs, long dsdt) {
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
        t.u32(0).u32(0); // GPE0, GPE1
        t.u8(4).u8(2).u8(0).u8(4); // PM1 event, PM1 control, PM2 control, PM timer lengths
        t.u8(0).u8(0).u8(0).u8(0); // GPE0/1 lengths, GPE1 base, CST_CNT
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
        return new AcpiTable("DSDT", 2, "MODVMDSD").bytes(dsdtAml());
    }

    static byte[] dsdtAml() {
        return Aml.concat(s5(), pciRoot());
    }

    /** {@code \\_S5}: the SLP_TYP value that powers off. */
    static byte[] s5() {
        return Aml.nameOf("\\_S5", Aml.pkg(Aml.integer(PcPlatform.SLP_TYP_S5), Aml.integer(PcPlatform.SLP_TYP_S5),
                Aml.integer(0), Aml.integer(0)));
    }

    /**
     * The PCI root bridge: bus 0 behind ports 0xCF8-0xCFF, forwarding every other port and the 32-bit hole, so that
     * the OS keeps the BAR addresses the core assigned instead of moving them.
     */
    static byte[] pciRoot() {
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
                Aml.nameOf("_CRS", crs)));
    }
}
