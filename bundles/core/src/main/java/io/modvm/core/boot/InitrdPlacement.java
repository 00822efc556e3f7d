package io.modvm.core.boot;

import io.modvm.core.memory.MemoryLayout;

/** Where an initrd goes: page-aligned at the top of low RAM, as boot loaders place it. */
final class InitrdPlacement {
    private InitrdPlacement() {
    }

    static long place(MemoryLayout layout, long size, long kernelEnd) throws BootException {
        return place(layout, size, kernelEnd, 0xFFFF_FFFFL);
    }

    /** Below {@code maxAddress}, the highest byte the kernel accepts for the initrd (initrd_addr_max). */
    static long place(MemoryLayout layout, long size, long kernelEnd, long maxAddress) throws BootException {
        long top = Math.min(layout.lowRamSize(), maxAddress + 1);
        long address = (top - size) & ~0xFFFL;
        if (size <= 0 || address < kernelEnd || address < MemoryLayout.ONE_MIB) {
            throw new BootException(String.format("the initrd (%d KiB) does not fit in low RAM above the kernel; "
                    + "use a larger -m", size >> 10));
        }
        return address;
    }
}
