package io.modvm.diskboot.partition;

import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.disk.Region;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The MS-DOS partition table: four primary entries, and a chain of extended boot records for logical ones. */
final class Mbr {
    private static final int ENTRIES = 446;
    /** Linux reads no more logical partitions than this; a longer chain is a loop in a hostile image. */
    private static final int MAX_LOGICAL = 128;

    private Mbr() {
    }

    /**
     * A sector holds a table if it ends in 55 AA, each entry's status is 00 or 80, and one entry is used: a file
     * system's boot sector (FAT) also ends in 55 AA but has code where the entries would be.
     */
    static boolean hasTable(ByteBuffer sector) {
        if ((sector.getShort(510) & 0xFFFF) != 0xAA55) {
            return false;
        }
        boolean used = false;
        for (int i = 0; i < 4; i++) {
            int at = ENTRIES + 16 * i;
            int status = sector.get(at) & 0xFF;
            if (status != 0 && status != 0x80) {
                return false;
            }
            used |= sector.get(at + 4) != 0 && sector.getInt(at + 12) != 0;
        }
        return used && !looksLikeFat(sector);
    }

    private static boolean looksLikeFat(ByteBuffer s) {
        return ascii(s, 0x36, 3).equals("FAT") || ascii(s, 0x52, 3).equals("FAT");
    }

    private static String ascii(ByteBuffer s, int at, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) (s.get(at + i) & 0xFF));
        }
        return b.toString();
    }

    static List<Partition> read(Region disk, ByteBuffer mbr) throws BootSourceException {
        List<Partition> out = new ArrayList<>();
        long extendedStart = -1;
        for (int i = 0; i < 4; i++) {
            int at = ENTRIES + 16 * i;
            int type = mbr.get(at + 4) & 0xFF;
            long start = Integer.toUnsignedLong(mbr.getInt(at + 8));
            long sectors = Integer.toUnsignedLong(mbr.getInt(at + 12));
            if (type == 0 || sectors == 0) {
                continue;
            }
            if (isExtended(type)) {
                if (extendedStart < 0) {
                    extendedStart = start;
                }
                continue;
            }
            out.add(checked(disk, i + 1, type, start, sectors, "MBR entry " + (i + 1)));
        }
        if (extendedStart >= 0) {
            readLogical(disk, extendedStart, out);
        }
        return out;
    }

    private static void readLogical(Region disk, long extendedStart, List<Partition> out)
            throws BootSourceException {
        long ebr = extendedStart;
        for (int n = 0; n < MAX_LOGICAL; n++) {
            ByteBuffer sector = disk.read(ebr * PartitionTables.SECTOR, PartitionTables.SECTOR,
                    "the extended boot record at sector " + ebr);
            if ((sector.getShort(510) & 0xFFFF) != 0xAA55) {
                throw new BootSourceException(disk.name() + ": the extended boot record at sector " + ebr
                        + " has no 55 AA signature: the partition table is corrupt; repair it with fdisk");
            }
            int type = sector.get(ENTRIES + 4) & 0xFF;
            long start = Integer.toUnsignedLong(sector.getInt(ENTRIES + 8));
            long sectors = Integer.toUnsignedLong(sector.getInt(ENTRIES + 12));
            if (type != 0 && sectors != 0) {
                out.add(checked(disk, 5 + n, type, ebr + start, sectors, "logical partition " + (5 + n)));
            }
            int nextType = sector.get(ENTRIES + 16 + 4) & 0xFF;
            long next = Integer.toUnsignedLong(sector.getInt(ENTRIES + 16 + 8));
            if (nextType == 0 || next == 0) {
                return;
            }
            long following = extendedStart + next;
            if (following <= ebr) {
                // Each link must move forward, or the chain could loop.
                throw new BootSourceException(disk.name() + ": the extended boot record at sector " + ebr
                        + " links back to sector " + following + ": the chain of logical partitions loops; repair "
                        + "the partition table with fdisk");
            }
            ebr = following;
        }
        throw new BootSourceException(disk.name() + ": more than " + MAX_LOGICAL + " logical partitions: the "
                + "extended partition's chain is corrupt");
    }

    private static boolean isExtended(int type) {
        return type == 0x05 || type == 0x0F || type == 0x85;
    }

    private static Partition checked(Region disk, int number, int type, long start, long sectors, String what)
            throws BootSourceException {
        long offset = start * PartitionTables.SECTOR;
        long length = sectors * PartitionTables.SECTOR;
        if (start == 0 || offset + length > disk.length()) {
            throw new BootSourceException(disk.name() + ": " + what + " (sectors " + start + "+" + sectors
                    + ") lies outside the image (" + disk.length() / PartitionTables.SECTOR + " sectors): the "
                    + "image is truncated or its partition table is corrupt");
        }
        return new Partition(number, "msdos", offset, length, String.format("%02x", type));
    }
}
