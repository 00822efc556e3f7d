package io.modvm.diskboot.partition;

import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.disk.Region;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/** The GUID partition table at sector 1, its header and entry array checked against their CRC-32s. */
final class Gpt {
    private static final long SIGNATURE = 0x5452415020494645L; // "EFI PART"
    private static final int MAX_ENTRIES = 1024;

    private Gpt() {
    }

    static List<Partition> read(Region disk) throws BootSourceException {
        int sector = PartitionTables.SECTOR;
        ByteBuffer h = disk.read(sector, sector, "the GPT header");
        if (h.getLong(0) != SIGNATURE) {
            throw corrupt(disk, "the protective MBR announces a GPT but sector 1 has no 'EFI PART' header");
        }
        int headerSize = h.getInt(12);
        if (headerSize < 92 || headerSize > sector) {
            throw corrupt(disk, "the GPT header gives its size as " + headerSize + " bytes");
        }
        int storedCrc = h.getInt(16);
        ByteBuffer copy = h.duplicate().limit(headerSize).position(0);
        ByteBuffer zeroed = ByteBuffer.allocate(headerSize).put(copy).putInt(16, 0).flip();
        if (crc(zeroed) != storedCrc) {
            throw corrupt(disk, "the GPT header's CRC-32 does not match");
        }
        long entriesLba = h.getLong(72);
        long count = Integer.toUnsignedLong(h.getInt(80));
        long entrySize = Integer.toUnsignedLong(h.getInt(84));
        if (count > MAX_ENTRIES || entrySize < 128 || entrySize > 4096 || entrySize % 8 != 0) {
            throw corrupt(disk, "the GPT header gives " + count + " entries of " + entrySize + " bytes");
        }
        if (entriesLba < 2 || entriesLba > disk.length() / sector) {
            throw corrupt(disk, "the GPT entry array starts at sector " + entriesLba + ", outside the image");
        }
        ByteBuffer entries = disk.read(entriesLba * sector, count * entrySize, "the GPT entry array");
        if (crc(entries.duplicate()) != h.getInt(88)) {
            throw corrupt(disk, "the GPT entry array's CRC-32 does not match");
        }
        List<Partition> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = (int) (i * entrySize);
            String type = guid(entries, at);
            if (type.equals("00000000-0000-0000-0000-000000000000")) {
                continue;
            }
            long first = entries.getLong(at + 32);
            long last = entries.getLong(at + 40);
            if (first < 1 || last < first || last >= disk.length() / sector) {
                throw corrupt(disk, "GPT entry " + (i + 1) + " spans sectors " + first + "-" + last
                        + ", outside the image (" + disk.length() / sector + " sectors)");
            }
            out.add(new Partition(i + 1, "gpt", first * sector, (last - first + 1) * sector, type));
        }
        return out;
    }

    private static int crc(ByteBuffer b) {
        CRC32 c = new CRC32();
        c.update(b);
        return (int) c.getValue();
    }

    /** A GUID as text: its first three fields are stored little-endian. */
    private static String guid(ByteBuffer b, int at) {
        return String.format("%08x-%04x-%04x-%02x%02x-", b.getInt(at), b.getShort(at + 4) & 0xFFFF,
                b.getShort(at + 6) & 0xFFFF, b.get(at + 8) & 0xFF, b.get(at + 9) & 0xFF)
                + String.format("%02x%02x%02x%02x%02x%02x", b.get(at + 10) & 0xFF, b.get(at + 11) & 0xFF,
                        b.get(at + 12) & 0xFF, b.get(at + 13) & 0xFF, b.get(at + 14) & 0xFF, b.get(at + 15) & 0xFF);
    }

    private static BootSourceException corrupt(Region disk, String what) {
        return new BootSourceException(disk.name() + ": " + what + ": the partition table is corrupt; repair it "
                + "with gdisk or sfdisk");
    }
}
