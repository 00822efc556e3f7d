package io.modvm.core.pci;

import java.util.ArrayList;
import java.util.List;

/**
 * Hands out naturally aligned addresses for BARs from the 32-bit PCI hole, below the IOAPIC: the lowest range that
 * no BAR on the bus takes, so that space an unplugged device held goes to the next one.
 *
 * <p>Reuse is safe because a range is free only once no guest can still be using it. The BARs of every function on
 * the bus are taken, parked ones included, both where the bus assigned them (a reset puts them back there) and where
 * the guest programmed them (it moves BARs, and may turn decoding back on at any time). A function normally leaves
 * the bus after the guest ejected its slot, having let go of the device, or when a reset completes the removal and
 * ends the guest that knew it. One removed without an eject (its factory left, say) may still be in the guest's
 * hands, so its ranges are {@linkplain #retire retired}: taken until the next reset. So are those of one the guest
 * never saw (removed before the guest started, or when a device failed to start): the bus cannot tell, and holding
 * them costs only space until then.
 *
 * <p>This window's monitor is the lock for BAR addresses: a function changes a BAR's address only holding it, and
 * the bus allocates holding it, so that an allocation sees every BAR where it is even while a vCPU moves one. Nothing
 * else is locked while it is held.
 */
final class PciBarWindow {
    /** The addresses {@code [base, base + size)}. */
    record Range(long base, long size) {
    }

    private final long start;
    private final long end;
    private final List<Range> retired = new ArrayList<>();

    PciBarWindow(long start, long end) {
        this.start = start;
        this.end = end;
    }

    /**
     * The lowest base for a BAR of {@code size} bytes (a power of two), aligned to its size, whose range overlaps
     * none of {@code taken} and no retired range; -1 if the window has none. The caller holds this window's lock
     * while it gathers {@code taken} and allocates, so that no BAR moves in between.
     */
    synchronized long allocate(long size, List<Range> taken) {
        long base = alignUp(start, size);
        while (base + size <= end) {
            long past = Math.max(endOfOverlap(base, size, taken), endOfOverlap(base, size, retired));
            if (past < 0) {
                return base;
            }
            // Every aligned base below the end of what overlaps overlaps it too.
            base = alignUp(past, size);
        }
        return -1;
    }

    /** The end of a range in {@code ranges} that overlaps {@code [base, base + size)}, or -1. */
    private long endOfOverlap(long base, long size, List<Range> ranges) {
        for (Range r : ranges) {
            // Nothing at or above the end overlaps; skipping it first also keeps a BAR the guest put at the top of
            // the 64-bit space from wrapping in base + size.
            if (Long.compareUnsigned(r.base(), end) >= 0) {
                continue;
            }
            if (r.base() < base + size && base < r.base() + r.size()) {
                return r.base() + r.size();
            }
        }
        return -1;
    }

    private static long alignUp(long address, long size) {
        return (address + size - 1) & -size;
    }

    /** {@code ranges} stay taken until {@link #releaseRetired}. */
    synchronized void retire(List<Range> ranges) {
        retired.addAll(ranges);
    }

    /** The guest that could still use the retired ranges has ended. */
    synchronized void releaseRetired() {
        retired.clear();
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }
}
