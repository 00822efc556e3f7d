package io.modvm.diskboot.fat;

import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.disk.Region;
import java.nio.ByteBuffer;

/** The BIOS parameter block of a FAT volume, checked, and where its FATs, root directory and clusters lie. */
record FatBootSector(int bits, int bytesPerSector, long clusterBytes, long fatOffset, long fatBytes,
        long rootDirOffset, long rootDirBytes, long rootCluster, long dataOffset, long clusterCount, String uuid,
        String label) {

    static boolean looksLikeFat(ByteBuffer s) {
        int jump = s.get(0) & 0xFF;
        int bps = s.getShort(11) & 0xFFFF;
        int spc = s.get(13) & 0xFF;
        return (s.getShort(510) & 0xFFFF) == 0xAA55 && (jump == 0xEB || jump == 0xE9)
                && bps >= 512 && bps <= 4096 && Integer.bitCount(bps) == 1
                && spc > 0 && Integer.bitCount(spc) == 1 && (s.getShort(14) & 0xFFFF) > 0 && (s.get(16) & 0xFF) > 0;
    }

    static FatBootSector read(Region region) throws BootSourceException {
        ByteBuffer s = region.read(0, 512, "the FAT boot sector");
        String where = region.name() + " (vfat)";
        int bps = s.getShort(11) & 0xFFFF;
        int spc = s.get(13) & 0xFF;
        long reserved = s.getShort(14) & 0xFFFF;
        int fats = s.get(16) & 0xFF;
        long rootEntries = s.getShort(17) & 0xFFFF;
        long total = s.getShort(19) & 0xFFFF;
        if (total == 0) {
            total = Integer.toUnsignedLong(s.getInt(32));
        }
        long fatSectors = s.getShort(22) & 0xFFFF;
        boolean fat32Layout = fatSectors == 0;
        if (fat32Layout) {
            fatSectors = Integer.toUnsignedLong(s.getInt(36));
        }
        long rootSectors = (rootEntries * 32 + bps - 1) / bps;
        long dataStart = reserved + fats * fatSectors + rootSectors;
        if (fatSectors == 0 || total == 0 || dataStart >= total || total * bps > region.length()) {
            throw new BootSourceException(where + ": corrupt boot sector: " + total + " sectors of " + bps
                    + " bytes with " + fats + " FATs of " + fatSectors + " sectors do not fit the partition ("
                    + region.length() + " bytes); check it with fsck.vfat -n");
        }
        long clusters = (total - dataStart) / spc;
        int bits = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
        if (bits == 32 != fat32Layout) {
            throw new BootSourceException(where + ": corrupt boot sector: " + clusters + " clusters make it FAT"
                    + bits + " but its layout is FAT" + (fat32Layout ? "32" : "12/16") + "; check it with fsck.vfat -n");
        }
        if (fatSectors * bps * 8 / bits < clusters + 2) {
            throw new BootSourceException(where + ": corrupt boot sector: its FAT of " + fatSectors
                    + " sectors cannot hold " + clusters + " clusters; check it with fsck.vfat -n");
        }
        int idAt = bits == 32 ? 67 : 39;
        int labelAt = bits == 32 ? 71 : 43;
        long rootCluster = bits == 32 ? Integer.toUnsignedLong(s.getInt(44)) : 0;
        String uuid = String.format("%04X-%04X", s.getShort(idAt + 2) & 0xFFFF, s.getShort(idAt) & 0xFFFF);
        StringBuilder label = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            label.append((char) (s.get(labelAt + i) & 0xFF));
        }
        String l = label.toString().strip();
        return new FatBootSector(bits, bps, (long) spc * bps, reserved * bps, fatSectors * bps,
                (reserved + fats * fatSectors) * bps, rootSectors * bps, rootCluster, dataStart * bps, clusters,
                uuid, l.equals("NO NAME") ? "" : l);
    }
}
