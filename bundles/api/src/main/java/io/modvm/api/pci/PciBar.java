package io.modvm.api.pci;

import io.modvm.api.device.BusHandler;
import java.util.Objects;

/**
 * One BAR: memory, or (since 1.2) I/O ports. A memory BAR's {@code size} is a power of two of at least 4 KiB; an I/O
 * BAR's is a power of two from 4 to 256 bytes, as the PCI specification allows. The handler sees offsets from the
 * BAR's start. Ranges that the core serves itself (the MSI-X table and PBA) never reach the handler.
 *
 * <p>The core maps a memory BAR on the MMIO bus while the guest has memory decoding on, and an I/O BAR on the port
 * bus while it has I/O decoding on (the command register's bits 1 and 0).
 *
 * @param index BAR number, 0 to 5 (0 to 4 for a 64-bit BAR, which takes two)
 * @param size size in bytes: a power of two of at least 4096 for memory, 4 to 256 for I/O
 * @param bits64 true for a 64-bit memory BAR
 * @param handler serves the guest's accesses to the BAR
 * @param io true for an I/O BAR (legacy devices, transitional virtio's legacy interface)
 */
public record PciBar(int index, long size, boolean bits64, BusHandler handler, boolean io) {
    /** The smallest I/O BAR. */
    public static final int MIN_IO_SIZE = 4;
    /** The largest I/O BAR the PCI specification allows. */
    public static final int MAX_IO_SIZE = 256;

    /** @throws IllegalArgumentException if the index or the size is out of range, or an I/O BAR is 64-bit */
    public PciBar {
        if (index < 0 || index > 5 || (bits64 && index > 4)) {
            throw new IllegalArgumentException("BAR index " + index + " out of range");
        }
        if (io) {
            if (bits64) {
                throw new IllegalArgumentException("an I/O BAR is 32-bit");
            }
            if (size < MIN_IO_SIZE || size > MAX_IO_SIZE || Long.bitCount(size) != 1) {
                throw new IllegalArgumentException("I/O BAR size " + size + " is not a power of two from "
                        + MIN_IO_SIZE + " to " + MAX_IO_SIZE);
            }
        } else if (size < 4096 || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("BAR size " + size + " is not a power of two of at least 4096");
        }
        Objects.requireNonNull(handler, "handler");
    }

    /**
     * A memory BAR, as before 1.2.
     *
     * @throws IllegalArgumentException if the index or the size is out of range
     */
    public PciBar(int index, long size, boolean bits64, BusHandler handler) {
        this(index, size, bits64, handler, false);
    }

    /**
     * An I/O BAR of {@code size} ports (a power of two from 4 to 256).
     *
     * @throws IllegalArgumentException if the index or the size is out of range
     * @since 1.2
     */
    public static PciBar ioPorts(int index, int size, BusHandler handler) {
        return new PciBar(index, size, false, handler, true);
    }
}
