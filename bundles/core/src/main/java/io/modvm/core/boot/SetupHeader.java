package io.modvm.core.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The setup header of a bzImage (Documentation/arch/x86/boot.rst), read from its fixed offsets, with the checks
 * that decide whether modvm can boot the image, and through which protocol: the 64-bit one when the header says
 * the kernel has a 64-bit entry (protocol 2.12 or later with XLF_KERNEL_64), else the 32-bit one, which every
 * bzImage has (a 32-bit kernel's only one, and that of 64-bit kernels older than Linux 3.8).
 */
record SetupHeader(int setupSects, int version, int loadFlags, long code32Start, long prefAddress, long initSize,
        int xloadFlags, long initrdAddrMax, long cmdlineSize, int headerEnd) {
    static final int OFFSET = 0x1F1;
    static final int XLF_KERNEL_64 = 1;
    static final int LOADED_HIGH = 1;
    /** Protocol 2.10 (Linux 2.6.31) is the first with every field a loader without real-mode code needs. */
    static final int MIN_VERSION = 0x020A;
    /** Protocol 2.12 (Linux 3.8) is the first whose header can say the kernel has a 64-bit entry. */
    static final int XLOADFLAGS_VERSION = 0x020C;
    /** Where a bzImage's protected-mode kernel goes by tradition, and its 32-bit entry (code32_start's default). */
    static final long CODE32_DEFAULT = 0x10_0000L;

    static boolean isBzImage(ByteBuffer image) {
        return image.limit() > 0x206 && image.get(0x202) == 'H' && image.get(0x203) == 'd'
                && image.get(0x204) == 'r' && image.get(0x205) == 'S';
    }

    static SetupHeader parse(ByteBuffer image, String name) throws BootException {
        ByteBuffer b = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (!isBzImage(b) || b.limit() < 0x268 || (b.getShort(0x1FE) & 0xFFFF) != 0xAA55) {
            throw new BootException(name + " is not a bzImage");
        }
        int version = b.getShort(0x206) & 0xFFFF;
        if (version < MIN_VERSION) {
            throw new BootException(String.format("%s uses boot protocol %d.%02d; modvm needs 2.10 or later "
                    + "(Linux 2.6.31 or later)", name, version >> 8, version & 0xFF));
        }
        int setupSects = b.get(0x1F1) & 0xFF;
        if (setupSects == 0) {
            setupSects = 4;
        }
        // Before 2.12 these bytes are not part of the header: such a kernel has no 64-bit entry modvm may use.
        int xloadFlags = version >= XLOADFLAGS_VERSION ? b.getShort(0x236) & 0xFFFF : 0;
        int loadFlags = b.get(0x211) & 0xFF;
        if ((loadFlags & LOADED_HIGH) == 0) {
            throw new BootException(name + " is a zImage that loads below 1 MiB; modvm boots bzImages only");
        }
        long setupEnd = (setupSects + 1L) * 512;
        if (setupEnd >= b.limit()) {
            throw new BootException(name + " is truncated: it ends inside its setup code");
        }
        int headerEnd = 0x202 + (b.get(0x201) & 0xFF);
        return new SetupHeader(setupSects, version, loadFlags, b.getInt(0x214) & 0xFFFFFFFFL, b.getLong(0x258),
                b.getInt(0x260) & 0xFFFFFFFFL, xloadFlags, b.getInt(0x22C) & 0xFFFFFFFFL,
                b.getInt(0x238) & 0xFFFFFFFFL, Math.min(headerEnd, 0x290));
    }

    /** File offset of the protected-mode kernel. */
    long kernelOffset() {
        return (setupSects + 1L) * 512;
    }

    /** Whether the kernel says it has a 64-bit entry (at its load address + 0x200). */
    boolean has64BitEntry() {
        return (xloadFlags & XLF_KERNEL_64) != 0;
    }
}
