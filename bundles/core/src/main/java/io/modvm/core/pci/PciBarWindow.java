package io.modvm.core.pci;

/**
 * Hands out naturally aligned addresses for BARs from the 32-bit PCI hole, below the IOAPIC. Addresses are never
 * reused within a machine's life, so a device plugged later cannot land on a range the guest still remembers.
 */
final class PciBarWindow {
    private final long start;
    private final long end;
    private long next;

    PciBarWindow(long start, long end) {
        this.start = start;
        this.end = end;
        this.next = start;
    }

    /** The base for a BAR of {@code size} bytes (a power of two), or -1 if the window is full. */
    synchronized long allocate(long size) {
        long base = (next + size - 1) & -size;
        if (base + size > end) {
            return -1;
        }
        next = base + size;
        return base;
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }
}
