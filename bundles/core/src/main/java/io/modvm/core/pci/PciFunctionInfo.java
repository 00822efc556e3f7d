package io.modvm.core.pci;

import java.util.List;

/** One function as {@code query-pci} and {@code info pci} show it. */
public record PciFunctionInfo(int bus, int slot, int function, int vendorId, int deviceId, int classCode,
        int revision, int subsystemVendorId, int subsystemId, String qdevId, List<Region> regions, int irq) {
    /** A memory BAR. */
    public record Region(int bar, long address, long size, boolean bits64) {
    }

    public PciFunctionInfo {
        regions = List.copyOf(regions);
    }
}
