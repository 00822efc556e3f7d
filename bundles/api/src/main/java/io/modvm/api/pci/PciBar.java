package io.modvm.api.pci;

import io.modvm.api.device.BusHandler;
import java.util.Objects;

/**
 * One memory BAR. {@code size} is a power of two of at least 4 KiB; the handler sees offsets from the BAR's start.
 * Ranges that the core serves itself (the MSI-X table and PBA) never reach the handler.
 *
 * @param index BAR number, 0 to 5 (0 to 4 for a 64-bit BAR, which takes two)
 * @param size size in bytes, a power of two of at least 4096
 * @param bits64 true for a 64-bit BAR
 * @param handler serves the guest's accesses to the BAR
 */
public record PciBar(int index, long size, boolean bits64, BusHandler handler) {
    /** @throws IllegalArgumentException if the index or the size is out of range */
    public PciBar {
        if (index < 0 || index > 5 || (bits64 && index > 4)) {
            throw new IllegalArgumentException("BAR index " + index + " out of range");
        }
        if (size < 4096 || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("BAR size " + size + " is not a power of two of at least 4096");
        }
        Objects.requireNonNull(handler, "handler");
    }
}
