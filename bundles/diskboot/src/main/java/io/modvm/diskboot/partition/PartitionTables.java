package io.modvm.diskboot.partition;

import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.disk.Region;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Reads a disk's partition table: MBR (with extended and logical partitions) or GPT behind its protective MBR. */
public final class PartitionTables {
    static final int SECTOR = 512;
    private static final int GPT_TYPE = 0xEE;

    private PartitionTables() {
    }

    /** The partitions, in table order; empty if the disk has no partition table (a whole-disk file system). */
    public static List<Partition> read(Region disk) throws BootSourceException {
        if (disk.length() < SECTOR) {
            return List.of();
        }
        ByteBuffer mbr = disk.read(0, SECTOR, "the master boot record");
        if (!Mbr.hasTable(mbr)) {
            return List.of();
        }
        for (int i = 0; i < 4; i++) {
            if ((mbr.get(446 + 16 * i + 4) & 0xFF) == GPT_TYPE) {
                return Gpt.read(disk);
            }
        }
        return Mbr.read(disk, mbr);
    }
}
