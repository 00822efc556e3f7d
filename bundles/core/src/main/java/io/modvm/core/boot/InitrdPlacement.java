package io.modvm.core.boot;

import io.modvm.api.memory.GuestMemory;
import io.modvm.core.memory.MemoryLayout;
import java.nio.ByteBuffer;

/** Where an initrd goes: page-aligned at the top of low RAM, as boot loaders place it. */
final class InitrdPlacement {
    private InitrdPlacement() {
    }

    /**
     * Places the initrd below {@code maxAddress} (the highest byte the kernel accepts, its initrd_addr_max), above
     * {@code kernelEnd}, and copies it into guest RAM. Returns its guest-physical address.
     */
    static long load(GuestMemory memory, MemoryLayout layout, ByteBuffer initrd, long kernelEnd, long maxAddress)
            throws BootException {
        long size = initrd.remaining();
        long top = Math.min(layout.lowRamSize(), maxAddress + 1);
        long address = (top - size) & ~0xFFFL;
        if (size <= 0 || address < kernelEnd || address < MemoryLayout.ONE_MIB) {
            throw new BootException(String.format("the initrd (%d KiB) does not fit in low RAM above the kernel; "
                    + "use a larger -m", size >> 10));
        }
        byte[] bytes = new byte[(int) size];
        initrd.duplicate().get(bytes);
        memory.write(address, bytes, 0, bytes.length);
        return address;
    }
}
