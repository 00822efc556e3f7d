package io.modvm.api.pci;

import java.util.List;

/**
 * What a PCI function is. IDs are 16-bit, {@code classCode} is the 24-bit class/subclass/prog-if.
 * {@code msixVectors} of 0 means no MSI-X; otherwise the core places the table at {@code msixBar}+{@code
 * msixOffset} and the PBA right after it, inside that BAR, and serves both itself. A function with an
 * {@code interruptPin} has a legacy INTx line too, which the core routes to an interrupt controller input and
 * describes to the guest (configuration registers 0x3C/0x3D, the firmware's routing table).
 *
 * @param vendorId PCI vendor ID
 * @param deviceId device ID
 * @param revision revision ID, 0 to 0xff
 * @param classCode class, subclass and programming interface, 24 bits
 * @param subsystemVendorId subsystem vendor ID
 * @param subsystemId subsystem ID
 * @param bars the memory BARs
 * @param capabilities capabilities, in the order the guest finds them
 * @param msixVectors MSI-X table size, 0 for no MSI-X
 * @param msixBar the BAR that holds the MSI-X table and PBA
 * @param msixOffset offset of the MSI-X table in that BAR
 * @param configWriter sees guest writes to the capabilities; may be null for a function without capabilities
 * @param interruptPin the legacy interrupt pin the function drives with {@link PciFunction#setIntx}: 1 to 4 for
 *     INTA# to INTD#, or 0 for none (a function that interrupts through MSI-X only)
 * @param deviceRegisters serves the device-specific area of configuration space after the capabilities (since 1.3);
 *     null for a function whose area reads zero and ignores writes
 */
public record PciFunctionSpec(int vendorId, int deviceId, int revision, int classCode, int subsystemVendorId,
        int subsystemId, List<PciBar> bars, List<PciCapability> capabilities, int msixVectors, int msixBar,
        long msixOffset, PciConfigWriter configWriter, int interruptPin, PciConfigRegisters deviceRegisters) {
    /** Value of {@link #interruptPin()} for a function without a legacy interrupt. */
    public static final int NO_INTERRUPT_PIN = 0;
    /** Value of {@link #interruptPin()} for INTA#, the pin a single-function device uses. */
    public static final int INTA = 1;

    /** @throws IllegalArgumentException if the MSI-X vector count or BAR, or the interrupt pin, is out of range */
    public PciFunctionSpec {
        bars = List.copyOf(bars);
        capabilities = List.copyOf(capabilities);
        if (msixVectors < 0 || msixVectors > 2048) {
            throw new IllegalArgumentException("MSI-X vector count " + msixVectors);
        }
        if (msixVectors > 0 && bars.stream().noneMatch(b -> b.index() == msixBar)) {
            throw new IllegalArgumentException("MSI-X BAR " + msixBar + " is not among the BARs");
        }
        if (interruptPin < 0 || interruptPin > 4) {
            throw new IllegalArgumentException("interrupt pin " + interruptPin + "; use 0 for none or 1 to 4 for "
                    + "INTA# to INTD#");
        }
    }

    /**
     * A function without registers of its own in configuration space, as before 1.3.
     *
     * @throws IllegalArgumentException if the MSI-X vector count or BAR, or the interrupt pin, is out of range
     */
    public PciFunctionSpec(int vendorId, int deviceId, int revision, int classCode, int subsystemVendorId,
            int subsystemId, List<PciBar> bars, List<PciCapability> capabilities, int msixVectors, int msixBar,
            long msixOffset, PciConfigWriter configWriter, int interruptPin) {
        this(vendorId, deviceId, revision, classCode, subsystemVendorId, subsystemId, bars, capabilities, msixVectors,
                msixBar, msixOffset, configWriter, interruptPin, null);
    }

    /**
     * A function without a legacy interrupt pin, as before 1.1.
     *
     * @throws IllegalArgumentException if the MSI-X vector count or BAR is out of range
     */
    public PciFunctionSpec(int vendorId, int deviceId, int revision, int classCode, int subsystemVendorId,
            int subsystemId, List<PciBar> bars, List<PciCapability> capabilities, int msixVectors, int msixBar,
            long msixOffset, PciConfigWriter configWriter) {
        this(vendorId, deviceId, revision, classCode, subsystemVendorId, subsystemId, bars, capabilities, msixVectors,
                msixBar, msixOffset, configWriter, NO_INTERRUPT_PIN);
    }

    /** Bytes the MSI-X table and PBA take in their BAR. */
    public long msixSize() {
        return msixVectors == 0 ? 0 : msixVectors * 16L + ((msixVectors + 63) / 64) * 8L;
    }
}
