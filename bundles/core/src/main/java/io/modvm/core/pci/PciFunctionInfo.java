package io.modvm.core.pci;

import java.util.List;

/** One function as {@code query-pci} and {@code info pci} show it. */
public record PciFunctionInfo(int bus, int slot, int function, int vendorId, int deviceId, int classCode,
        int revision, int subsystemVendorId, int subsystemId, String qdevId, List<Region> regions, int irq) {
    /** A BAR: memory, or I/O ports if {@code io}. */
    public record Region(int bar, long address, long size, boolean bits64, boolean io) {
        /** A memory BAR. */
        public Region(int bar, long address, long size, boolean bits64) {
            this(bar, address, size, bits64, false);
        }
    }

    public PciFunctionInfo {
        regions = List.copyOf(regions);
    }
}
