package io.modvm.core.cli;

import io.modvm.api.boot.BootDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Whether firmware could boot a disk: a boot sector with code in it (the 0x55AA signature that BIOSes look for at
 * the end of the first sector, and something other than zeroes in the 440 bytes of boot code before the partition
 * table) or an El Torito CD (ISO 9660's boot record volume descriptor at sector 17 of 2048 bytes). A blank data
 * disk has neither, and nor has one that a partitioning tool (sfdisk, parted) wrote only a table on: a guest given
 * only such disks boots the default guest, as modvm did before it read disks, rather than firmware that would
 * find nothing to run.
 */
final class FirmwareBootable {
    private static final int SECTOR = 512;
    private static final long EL_TORITO_RECORD = 17L * 2048;
    private static final byte[] EL_TORITO = "\0CD001\1EL TORITO SPECIFICATION".getBytes(StandardCharsets.US_ASCII);

    private FirmwareBootable() {
    }

    private static final int BOOT_CODE = 440;

    private static boolean hasCode(ByteBuffer sector) {
        for (int i = 0; i < BOOT_CODE; i++) {
            if (sector.get(i) != 0) {
                return true;
            }
        }
        return false;
    }

    static boolean test(BootDisk disk) {
        try {
            if (disk.size() >= SECTOR) {
                ByteBuffer first = ByteBuffer.allocate(SECTOR);
                disk.read(first, 0);
                if ((first.get(510) & 0xff) == 0x55 && (first.get(511) & 0xff) == 0xaa && hasCode(first)) {
                    return true;
                }
            }
            if (disk.size() >= EL_TORITO_RECORD + EL_TORITO.length) {
                ByteBuffer record = ByteBuffer.allocate(EL_TORITO.length);
                disk.read(record, EL_TORITO_RECORD);
                return record.flip().equals(ByteBuffer.wrap(EL_TORITO));
            }
        } catch (IOException e) {
            // an unreadable disk is no boot disk; the guest sees the same error when it reads it
        }
        return false;
    }
}
