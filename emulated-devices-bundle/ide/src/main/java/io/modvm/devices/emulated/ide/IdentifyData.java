package io.modvm.devices.emulated.ide;

import java.nio.charset.StandardCharsets;

/**
 * The 512-byte IDENTIFY DEVICE and IDENTIFY PACKET DEVICE answers, with the words QEMU's drives give, so that guest
 * tools and drivers written against QEMU see the same drive: model {@code QEMU HARDDISK} or {@code QEMU DVD-ROM},
 * firmware revision {@code 2.5+}, LBA28 and LBA48 sizes, multiword DMA 0-2 and UDMA 0-5 with the mode SET FEATURES
 * chose.
 */
final class IdentifyData {
    static final String FIRMWARE = "2.5+";
    static final int HEADS = 16;
    static final int SECTORS_PER_TRACK = 63;
    static final int MAX_CYLINDERS = 16383;

    private IdentifyData() {
    }

    /** Cylinders of the CHS geometry a disk of {@code sectors} reports, as QEMU's default translation. */
    static int cylinders(long sectors) {
        return (int) Math.max(1, Math.min(MAX_CYLINDERS, sectors / (HEADS * SECTORS_PER_TRACK)));
    }

    /**
     * @param multiple sectors per READ/WRITE MULTIPLE block the driver set, 0 for none
     * @param dmaMode the transfer mode SET FEATURES selected (0x20|n multiword, 0x40|n UDMA), or 0
     */
    static byte[] disk(long sectors, String serial, String model, int multiple, int dmaMode) {
        int[] w = identity(serial, model);
        int cylinders = cylinders(sectors);
        w[0] = 0x0040;
        w[1] = cylinders;
        w[3] = HEADS;
        w[4] = SECTORS_PER_TRACK * Ata.SECTOR;
        w[5] = Ata.SECTOR;
        w[6] = SECTORS_PER_TRACK;
        w[47] = 0x8000 | Ata.MAX_MULTIPLE;
        w[49] = 1 << 11 | 1 << 9 | 1 << 8;
        w[51] = 0x200;
        w[52] = 0x200;
        w[53] = 1 | 1 << 1 | 1 << 2;
        w[54] = cylinders;
        w[55] = HEADS;
        w[56] = SECTORS_PER_TRACK;
        long chs = (long) cylinders * HEADS * SECTORS_PER_TRACK;
        w[57] = (int) (chs & 0xFFFF);
        w[58] = (int) (chs >>> 16 & 0xFFFF);
        if (multiple > 0) {
            w[59] = 0x100 | multiple;
        }
        long lba28 = Math.min(sectors, 0x0FFF_FFFFL);
        w[60] = (int) (lba28 & 0xFFFF);
        w[61] = (int) (lba28 >>> 16);
        dmaModes(w, dmaMode);
        w[64] = 0x03;
        w[65] = 120;
        w[66] = 120;
        w[67] = 120;
        w[68] = 120;
        w[80] = 0xF0;
        w[81] = 0x16;
        w[82] = 1 << 14 | 1 << 5;
        w[83] = 1 << 14 | 1 << 13 | 1 << 12 | 1 << 10;
        w[84] = 1 << 14;
        w[85] = 1 << 14 | 1 << 5;
        w[86] = 1 << 13 | 1 << 12 | 1 << 10;
        w[87] = 1 << 14;
        w[93] = 1 | 1 << 14 | 0x2000;
        w[100] = (int) (sectors & 0xFFFF);
        w[101] = (int) (sectors >>> 16 & 0xFFFF);
        w[102] = (int) (sectors >>> 32 & 0xFFFF);
        w[103] = (int) (sectors >>> 48 & 0xFFFF);
        return bytes(w);
    }

    /** IDENTIFY PACKET DEVICE of a CD/DVD drive: removable, 12-byte packets, DMA and LBA. */
    static byte[] cdrom(String serial, String model, int dmaMode) {
        int[] w = identity(serial, model);
        w[0] = 2 << 14 | 5 << 8 | 1 << 7 | 2 << 5;
        w[49] = 1 << 9 | 1 << 8;
        w[53] = 7;
        dmaModes(w, dmaMode);
        w[64] = 3;
        w[65] = 0xB4;
        w[66] = 0xB4;
        w[67] = 0x12C;
        w[68] = 0xB4;
        w[71] = 30;
        w[72] = 30;
        w[80] = 0x1E;
        return bytes(w);
    }

    /** The words both answers share: serial, buffer type and size, firmware revision, model, dword I/O. */
    private static int[] identity(String serial, String model) {
        int[] w = new int[256];
        text(w, 10, 20, serial);
        w[20] = 3;
        w[21] = Ata.SECTOR;
        w[22] = 4;
        text(w, 23, 8, FIRMWARE);
        text(w, 27, 40, model);
        w[48] = 1;
        return w;
    }

        /** Words 62, 63 and 88: what is supported, and in the high byte what is selected. */
    private static void dmaModes(int[] w, int dmaMode) {
        w[62] = 0x07;
        w[63] = 0x07;
        w[88] = 0x3F;
        int n = dmaMode & 7;
        if ((dmaMode & 0xF8) == 0x20) {
            w[63] |= 1 << (n + 8);
        } else if ((dmaMode & 0xF8) == 0x40) {
            w[88] |= 1 << (n + 8);
        }
    }

    /** ATA strings: space-padded, two characters a word with the first in the high byte. */
    private static void text(int[] w, int word, int length, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            int c = i < b.length ? b[i] & 0x7F : ' ';
            int at = word + i / 2;
            w[at] = i % 2 == 0 ? (w[at] & 0xFF) | c << 8 : (w[at] & 0xFF00) | c;
        }
    }

    private static byte[] bytes(int[] w) {
        byte[] out = new byte[512];
        for (int i = 0; i < 256; i++) {
            out[2 * i] = (byte) w[i];
            out[2 * i + 1] = (byte) (w[i] >>> 8);
        }
        return out;
    }
}
