package io.modvm.api.device;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The machine as one device sees it. Ranges and lines a device takes through its context are released when the
 * device is unplugged.
 */
@ProviderType
public interface DeviceContext {
    /** The id the device must report. */
    String deviceId();

    /** Claims ports {@code [base, base + length)}; fails if another device holds any of them. */
    void mapPio(int base, int length, BusHandler handler) throws DeviceException;

    /** Claims guest-physical MMIO {@code [base, base + length)}; fails on overlap with RAM or another device. */
    void mapMmio(long base, long length, BusHandler handler) throws DeviceException;

    /** An interrupt line; ISA lines 0–15 are wired to the PIC and the IOAPIC. */
    IrqLine irqLine(int gsi) throws DeviceException;

    /**
     * Plugs a PCI function into the root bus: the core gives it a slot, places its BARs in the PCI hole, serves its
     * configuration space (header, capabilities, MSI-X table and PBA) and answers for it in {@code query-pci}.
     */
    PciFunction plugPci(PciFunctionSpec spec) throws DeviceException;

    /** The machine's RAM, with every access checked. */
    GuestMemory memory();

    /**
     * The character backend named by {@code spec}, as the command line gives it: {@code stdio},
     * {@code file:PATH}, {@code null}. Returns null if {@code spec} is null.
     */
    CharBackend charBackend(String spec) throws DeviceException;

    /** The guest asked for a system reset (the machine restarts, or ends under {@code -no-reboot}). */
    void requestReset();

    /** The guest powered itself off (ACPI S5): the machine ends and the VMM exits with status 0, as QEMU does. */
    void requestPowerOff();

    /** The guest asked the VMM to end with this process exit status (a test exit device). */
    void requestExit(int status);

    /** Size of guest RAM in bytes, for devices that report it (CMOS). */
    long ramSize();
}
