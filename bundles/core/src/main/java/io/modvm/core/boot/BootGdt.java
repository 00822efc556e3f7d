package io.modvm.core.boot;

import io.modvm.api.accel.BootState;
import io.modvm.api.accel.CpuMode;
import io.modvm.api.memory.GuestMemory;

/**
 * The flat GDT that the boot protocols expect the loader to leave: a code segment at
 * {@link BootState#CODE_SELECTOR} and a data segment at {@link BootState#DATA_SELECTOR}.
 */
public final class BootGdt {
    private static final long CODE_32 = 0x00CF_9A00_0000_FFFFL;
    private static final long CODE_64 = 0x00AF_9A00_0000_FFFFL;
    private static final long DATA = 0x00CF_9200_0000_FFFFL;

    private BootGdt() {
    }

    public static void write(GuestMemory memory, CpuMode mode) {
        memory.writeLong(BootLayout.GDT, 0);
        memory.writeLong(BootLayout.GDT + 8, 0);
        memory.writeLong(BootLayout.GDT + BootState.CODE_SELECTOR, mode == CpuMode.LONG ? CODE_64 : CODE_32);
        memory.writeLong(BootLayout.GDT + BootState.DATA_SELECTOR, DATA);
    }
}
