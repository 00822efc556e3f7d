package io.modvm.core.boot;

import io.modvm.api.memory.GuestMemory;

/**
 * Page tables that map the first 4 GiB one to one with 2 MiB pages, as the 64-bit boot protocol requires for
 * the kernel, boot_params and command line: a PML4, a PDPT and four page directories.
 */
public final class IdentityPageTables {
    public static final long PML4 = 0x9000;
    static final long PDPT = 0xA000;
    static final long PD = 0xB000;
    /** One past the last page-table byte. */
    public static final long END = PD + 4 * 0x1000;

    private static final long PRESENT_WRITABLE = 0x3;
    private static final long LARGE_PAGE = 0x80;

    private IdentityPageTables() {
    }

    public static long write(GuestMemory memory) {
        memory.fill(PML4, END - PML4, (byte) 0);
        memory.writeLong(PML4, PDPT | PRESENT_WRITABLE);
        for (int gib = 0; gib < 4; gib++) {
            long pd = PD + gib * 0x1000L;
            memory.writeLong(PDPT + gib * 8L, pd | PRESENT_WRITABLE);
            for (int i = 0; i < 512; i++) {
                long address = ((long) gib << 30) | ((long) i << 21);
                memory.writeLong(pd + i * 8L, address | PRESENT_WRITABLE | LARGE_PAGE);
            }
        }
        return PML4;
    }
}
