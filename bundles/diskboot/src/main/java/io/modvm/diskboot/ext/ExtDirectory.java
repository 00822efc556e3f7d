package io.modvm.diskboot.ext;

import io.modvm.api.boot.BootSourceException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A directory's entries, read linearly: a hashed (htree) directory keeps its index in entries a linear reader
 * skips (inode 0, or the {@code ..} entry's record covering the index), so every name is found the same way.
 */
final class ExtDirectory {
    private ExtDirectory() {
    }

    /** Name to inode number, in on-disk order; each record's length is checked to stay inside its block. */
    static Map<String, Long> entries(ExtFileSystem fs, ExtInode dir, ByteBuffer data) throws BootSourceException {
        Map<String, Long> out = new LinkedHashMap<>();
        int blockSize = fs.blockSize();
        int end = data.limit();
        for (int blockStart = 0; blockStart < end; blockStart += blockSize) {
            int blockEnd = Math.min(end, blockStart + blockSize);
            int at = blockStart;
            while (at + 8 <= blockEnd) {
                long inode = Integer.toUnsignedLong(data.getInt(at));
                int recLen = data.getShort(at + 4) & 0xFFFF;
                int nameLen = fs.fileTypeInDirectories() ? data.get(at + 6) & 0xFF : data.getShort(at + 6) & 0xFFFF;
                if (recLen == 0 && blockSize == 65536) {
                    recLen = 65536; // the one encoding of a 64 KiB record
                }
                if (recLen < 8 || recLen % 4 != 0 || at + recLen > blockEnd || 8 + nameLen > recLen) {
                    throw fs.corrupt(dir, "has a corrupt directory entry at byte " + at + " (record " + recLen
                            + " bytes, name " + nameLen + ")");
                }
                if (inode != 0 && nameLen > 0) {
                    String name = new String(data.array(), data.arrayOffset() + at + 8, nameLen,
                            StandardCharsets.UTF_8);
                    if (!name.equals(".") && !name.equals("..")) {
                        out.putIfAbsent(name, inode);
                    } else if (name.equals("..")) {
                        out.put("..", inode);
                    }
                }
                at += recLen;
            }
        }
        return out;
    }
}
