package io.modvm.api.accel;

/** The processor mode a vCPU starts in. */
public enum CpuMode {
    /** 16-bit real mode: CS:IP from the entry address, as after a reset or SIPI. */
    REAL,
    /** 32-bit protected mode, flat segments, paging off (the PVH entry). */
    PROTECTED,
    /** 64-bit long mode with the page tables at {@link BootState#pageTableRoot()} (the Linux 64-bit entry). */
    LONG
}
