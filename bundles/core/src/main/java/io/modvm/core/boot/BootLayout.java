package io.modvm.core.boot;

/**
 * Where the loaders put their boot data in low guest memory: the GDT, the PVH start_info block and the command
 * line, clear of the real-mode trampolines that kernels and test guests place at 0x8000. The bzImage loader adds
 * the zero page at 0x7000 and identity page tables at 0x9000-0xEFFF; the firmware tables go to the EBDA and the
 * BIOS area (see {@code PcPlatform}).
 */
public final class BootLayout {
    private BootLayout() {
    }

    public static final long GDT = 0x500;
    public static final int GDT_LIMIT = 4 * 8 - 1;
    public static final long START_INFO = 0x6000;
    public static final long MODLIST = 0x6040;
    public static final long MEMMAP = 0x6080;
    public static final int MEMMAP_MAX_ENTRIES = 64;
    public static final long CMDLINE = 0x20000;
    public static final int CMDLINE_MAX = 0x10000;
    /** Boot data ranges a kernel image must not overlap. */
    public static final long[][] RESERVED = {{GDT, 0x7000}, {CMDLINE, CMDLINE + CMDLINE_MAX}};
}
