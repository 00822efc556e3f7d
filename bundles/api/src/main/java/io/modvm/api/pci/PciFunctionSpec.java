package io.modvm.api.pci;

import java.util.List;

/**
 * What a PCI function is. IDs are 16-bit, {@code classCode} is the 24-bit class/subclass/prog-if.
 * {@code msixVectors} of 0 means no MSI-X; otherwise the core places the table at {@code msixBar}+{@code
 * msixOffset} and the PBA right after it, inside that BAR, and serves both itself.
 */
public record PciFunctionSpec(int vendorId, int deviceId, int revision, int classCode, int subsystemVendorId,
        int subsystemId, List<PciBar> bars, List<PciCapability> capabilities, int msixVectors, int msixBar,
        long msixOffset, PciConfigWriter configWriter) {
    public PciFunctionSpec {
        bars = List.copyOf(bars);
        capabilities = List.copyOf(capabilities);
        if (msixVectors < 0 || msixVectors > 2048) {
            throw new IllegalArgumentException("MSI-X vector count " + msixVectors);
        }
        if (msixVectors > 0 && bars.stream().noneMatch(b -> b.index() == msixBar)) {
            throw new IllegalArgumentException("MSI-X BAR " + msixBar + " is not among the BARs");
        }
    }

    /** Bytes the MSI-X table and PBA take in their BAR. */
    public long msixSize() {
        return msixVectors == 0 ? 0 : msixVectors * 16L + ((msixVectors + 63) / 64) * 8L;
    }
}
