package io.modvm.core.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The setup header of a bzImage (Documentation/arch/x86/boot.rst), read from its fixed offsets, with the checks
 * that decide whether modvm can boot the image through the 64-bit protocol.
 */
record SetupHeader(int setupSects, int version, int loadFlags, long prefAddress, long initSize, int xloadFlags,
        long initrdAddrMax, long cmdlineSize, int headerEnd) {
    static final int OFFSET = 0x1F1;
    static final int XLF_KERNEL_64 = 1;
    static final int LOADED_HIGH = 1;

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
        if (version < 0x020C) {
            throw new BootException(String.format("%s uses boot protocol %d.%02d; modvm needs 2.12 or later "
                    + "(Linux 3.8 or later)", name, version >> 8, version & 0xFF));
        }
        int setupSects = b.get(0x1F1) & 0xFF;
        if (setupSects == 0) {
            setupSects = 4;
        }
        int xloadFlags = b.getShort(0x236) & 0xFFFF;
        if ((xloadFlags & XLF_KERNEL_64) == 0) {
            throw new BootException(name + " has no 64-bit entry point; build it for x86-64");
        }
        int loadFlags = b.get(0x211) & 0xFF;
        if ((loadFlags & LOADED_HIGH) == 0) {
            throw new BootException(name + " is a zImage that loads below 1 MiB; modvm boots bzImages only");
        }
        long setupEnd = (setupSects + 1L) * 512;
        if (setupEnd >= b.limit()) {
            throw new BootException(name + " is truncated: it ends inside its setup code");
        }
        int headerEnd = 0x202 + (b.get(0x201) & 0xFF);
        return new SetupHeader(setupSects, version, loadFlags, b.getLong(0x258), b.getInt(0x260) & 0xFFFFFFFFL,
                xloadFlags, b.getInt(0x22C) & 0xFFFFFFFFL, b.getInt(0x238) & 0xFFFFFFFFL,
                Math.min(headerEnd, 0x290));
    }

    /** File offset of the protected-mode kernel. */
    long kernelOffset() {
        return (setupSects + 1L) * 512;
    }
}
