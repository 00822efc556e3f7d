package io.modvm.core.acpi;

/**
 * The fixed addresses of the PC platform that the firmware tables describe. The devices behind them (the
 * {@code acpi-pm} device, the in-kernel IOAPIC and local APICs) sit at these same addresses.
 */
public final class PcPlatform {
    private PcPlatform() {
    }

    public static final int PM1A_EVENT_PORT = 0x600;
    public static final int PM1A_CONTROL_PORT = 0x604;
    public static final int PM_TIMER_PORT = 0x608;
    public static final int RESET_PORT = 0xCF9;
    public static final int RESET_VALUE = 0x06;
    public static final int SCI_IRQ = 9;
    /** The SLP_TYP value of S5 in PM1 control; the DSDT's \_S5 package carries it. */
    public static final int SLP_TYP_S5 = 5;
    public static final int RTC_CENTURY_REGISTER = 0x32;

    /**
     * The GPE0 block ({@link AcpiGpe}): 16 status bits then 16 enable bits, at QEMU's PIIX4 address. The FADT
     * lists it only when the machine serves it ({@link FirmwareTables#write(io.modvm.api.memory.GuestMemory, int,
     * boolean)}).
     */
    public static final int GPE0_BLOCK_PORT = 0xAFE0;
    public static final int GPE0_BLOCK_LENGTH = 4;
    /** The PCI hotplug registers ({@code io.modvm.core.pci.hotplug.PciHotplug}), at QEMU's address. */
    public static final int PCI_HOTPLUG_PORT = 0xAE00;
    public static final int PCI_HOTPLUG_LENGTH = 0x10;
    /** The general-purpose event that PCI hotplug raises; the DSDT's {@code \_GPE._E01} handles it. */
    public static final int PCI_HOTPLUG_GPE = 1;

    public static final long IOAPIC_ADDRESS = 0xFEC0_0000L;
    public static final long LAPIC_ADDRESS = 0xFEE0_0000L;
    public static final int IOAPIC_PINS = 24;
    /**
     * The IOAPIC inputs PCI INTx lines are wired to, GSI 16 to 19 as on QEMU's machines: four level-triggered,
     * active-low lines that the slots share by the usual swizzle ({@link #pciIntxGsi}). The DSDT's {@code _PRT}
     * tells the OS.
     */
    public static final int PCI_INTX_GSI_BASE = 16;
    public static final int PCI_INTX_LINES = 4;

    /**
     * The GSI that interrupt pin {@code pin} (1 = INTA# to 4 = INTD#) of PCI slot {@code slot} drives: the swizzle
     * of a PCI-to-PCI bridge, (slot + pin - 1) mod 4, so that the INTA# of neighbouring slots lands on different
     * lines.
     *
     * @throws IllegalArgumentException if {@code pin} is not 1 to 4
     */
    public static int pciIntxGsi(int slot, int pin) {
        if (pin < 1 || pin > PCI_INTX_LINES) {
            throw new IllegalArgumentException("PCI interrupt pin " + pin + " does not exist; pins are 1 to 4");
        }
        return PCI_INTX_GSI_BASE + ((slot + pin - 1) & (PCI_INTX_LINES - 1));
    }

    /** The 32-bit PCI hole: above low RAM (at most 3 GiB), below the IOAPIC. BARs are placed here. */
    public static final long PCI_HOLE_START = 0xC000_0000L;
    public static final long PCI_HOLE_END = 0xFEC0_0000L;

    /** The BIOS area [0xE0000, 0x100000) that Linux scans for the RSDP; e820 marks its top 64 KiB reserved. */
    public static final long ACPI_AREA = 0xF_0000L;
    public static final int ACPI_AREA_SIZE = 0x1_0000;
    /** The MP floating pointer and table go in the extended BIOS data area, where the MP spec says to look. */
    public static final long MP_AREA = 0x9_FC00L;
    public static final int MP_AREA_SIZE = 0x400;
}
