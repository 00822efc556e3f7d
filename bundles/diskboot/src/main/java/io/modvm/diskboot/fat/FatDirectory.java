package io.modvm.diskboot.fat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Parses a directory's 32-byte entries, joining the long-name entries before a short one into its long name. */
final class FatDirectory {
    private static final int ATTR_LONG_NAME = 0x0F;
    private static final int ATTR_VOLUME = 0x08;
    private static final int ATTR_DIRECTORY = 0x10;
    private static final int[] LFN_CHARS = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

    private FatDirectory() {
    }

    static List<FatEntry> parse(ByteBuffer data) {
        List<FatEntry> out = new ArrayList<>();
        String[] parts = new String[20];
        int checksum = -1;
        for (int at = 0; at + 32 <= data.limit(); at += 32) {
            int first = data.get(at) & 0xFF;
            if (first == 0) {
                break;
            }
            int attr = data.get(at + 11) & 0xFF;
            if (first == 0xE5) {
                checksum = -1;
                continue;
            }
            if (attr == ATTR_LONG_NAME) {
                int seq = first & 0x1F;
                if ((first & 0x40) != 0) {
                    java.util.Arrays.fill(parts, null);
                    checksum = data.get(at + 13) & 0xFF;
                }
                if (seq >= 1 && seq <= parts.length) {
                    parts[seq - 1] = lfnPart(data, at);
                }
                continue;
            }
            if ((attr & ATTR_VOLUME) != 0) {
                checksum = -1;
                continue;
            }
            String shortName = shortName(data, at);
            String name = checksum == shortChecksum(data, at) ? longName(parts) : null;
            checksum = -1;
            long cluster = (long) (data.getShort(at + 20) & 0xFFFF) << 16 | data.getShort(at + 26) & 0xFFFF;
            long size = Integer.toUnsignedLong(data.getInt(at + 28));
            out.add(new FatEntry(name != null && !name.isEmpty() ? name : shortName,
                    (attr & ATTR_DIRECTORY) != 0, cluster, size));
        }
        return out;
    }

    private static String lfnPart(ByteBuffer d, int at) {
        StringBuilder b = new StringBuilder();
        for (int off : LFN_CHARS) {
            char c = (char) (d.getShort(at + off) & 0xFFFF);
            if (c == 0 || c == 0xFFFF) {
                break;
            }
            b.append(c);
        }
        return b.toString();
    }

    private static String longName(String[] parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (p == null) {
                break;
            }
            b.append(p);
        }
        return b.toString();
    }

    private static int shortChecksum(ByteBuffer d, int at) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = (((sum & 1) << 7) + (sum >>> 1) + (d.get(at + i) & 0xFF)) & 0xFF;
        }
        return sum;
    }

    private static String shortName(ByteBuffer d, int at) {
        StringBuilder base = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            base.append((char) (d.get(at + i) & 0xFF));
        }
        StringBuilder ext = new StringBuilder();
        for (int i = 8; i < 11; i++) {
            ext.append((char) (d.get(at + i) & 0xFF));
        }
        String b = base.toString().stripTrailing();
        String e = ext.toString().stripTrailing();
        if (b.startsWith("\u0005")) {
            b = "\u00e5" + b.substring(1);
        }
        return e.isEmpty() ? b : b + "." + e;
    }
}
