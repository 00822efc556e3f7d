package io.modvm.api.accel;

/** The processor mode a vCPU starts in. */
public enum CpuMode {
    /** 16-bit real mode: CS:IP from the entry address, as after a reset or SIPI. */
    REAL,
    /** 32-bit protected mode, flat segments, paging off (the PVH entry). */
    PROTECTED,
    /** 64-bit long mode with the page tables at {@link BootState#pageTableRoot()} (the Linux 64-bit entry). */
    LONG,
    /**
     * The state a processor is in after a reset, where firmware starts: real mode with CS selector 0xF000 but CS
     * base 0xFFFF0000 and IP 0xFFF0, so that the first instruction is fetched at 0xFFFFFFF0, the top of 4 GiB. The
     * {@link BootState}'s entry, stack and registers are ignored.
     *
     * @since 1.7
     */
    RESET
}
