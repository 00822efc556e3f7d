package io.modvm.block.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads and encodes the qcow2 snapshot table (docs/interop/qcow2.txt, "Snapshots"). Reading trusts nothing: the
 * table is read entry by entry, each entry's variable part bounded (1 KiB of extra data, two 16-bit string lengths),
 * the whole table bounded to QEMU's 64 MiB and to the file, names must be UTF-8, and every snapshot L1 table must lie
 * inside the file, cluster-aligned, and overlap no other metadata. Any violation is one line naming the file.
 */
final class Qcow2SnapshotTable {
    /** QEMU's QCOW_MAX_SNAPSHOTS_SIZE. */
    static final long MAX_TABLE_BYTES = 64L << 20;
    /** QEMU's QCOW_MAX_SNAPSHOT_EXTRA_DATA. */
    private static final int MAX_EXTRA = 1024;
    /** The extra data this implementation knows: 64-bit VM state size, disk size, icount. */
    private static final int KNOWN_EXTRA = 24;
    /** QEMU's QCOW_MAX_L1_SIZE (32 MiB) in entries. */
    static final int MAX_L1_ENTRIES = (32 << 20) / 8;
    private static final int HEADER = Qcow2Header.SNAPSHOT_ENTRY_HEADER;

    private Qcow2SnapshotTable() {
    }

    /** A file range holding metadata, for the overlap check. */
    record Extent(String what, long offset, long length) {
    }

    /** The entries and the table's length in bytes. */
    record Loaded(List<Qcow2Snapshot> snapshots, long length) {
    }

    /**
     * Reads {@code count} entries at {@code offset}; {@code metadata} lists the other metadata (header cluster,
     * active L1, refcount table) that no snapshot L1 table nor the table itself may overlap.
     */
    static Loaded read(HostFile file, int count, long offset, long fileSize, long diskSize, long clusterSize,
            List<Extent> metadata) throws IOException {
        String name = file.path().toString();
        List<Qcow2Snapshot> snapshots = new ArrayList<>();
        long at = offset;
        for (int i = 0; i < count; i++) {
            at = align8(at);
            checkWithin(name, i, at, HEADER, offset, fileSize);
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            file.read(h, at);
            long l1Offset = h.getLong(0);
            int l1Size = h.getInt(8);
            int idSize = Short.toUnsignedInt(h.getShort(12));
            int nameSize = Short.toUnsignedInt(h.getShort(14));
            long dateSeconds = Integer.toUnsignedLong(h.getInt(16));
            int dateNanos = h.getInt(20);
            long vmClock = h.getLong(24);
            long vmStateSize = Integer.toUnsignedLong(h.getInt(32));
            int extraSize = h.getInt(36);
            if (extraSize < 0 || extraSize > MAX_EXTRA) {
                throw new ImageFormatException(name + ": qcow2 snapshot table entry " + i + " has "
                        + Integer.toUnsignedString(extraSize) + " bytes of extra data (at most " + MAX_EXTRA
                        + "); repair it with qemu-img check -r all");
            }
            int variable = extraSize + idSize + nameSize;
            checkWithin(name, i, at + HEADER, variable, offset, fileSize);
            ByteBuffer rest = ByteBuffer.allocate(variable);
            file.read(rest, at + HEADER);
            at += HEADER + variable;
            if (extraSize >= 8) {
                vmStateSize = rest.getLong(0);
            }
            long size = extraSize >= 16 ? rest.getLong(8) : diskSize;
            long icount = extraSize >= KNOWN_EXTRA ? rest.getLong(16) : -1;
            byte[] unknown = new byte[Math.max(0, extraSize - KNOWN_EXTRA)];
            rest.get(KNOWN_EXTRA, unknown);
            String id = utf8(name, i, "id", rest, extraSize, idSize);
            String tag = utf8(name, i, "name", rest, extraSize + idSize, nameSize);
            String shown = printable(tag);
            if (vmStateSize < 0 || size < 0 || dateNanos < 0 || dateNanos >= 1_000_000_000) {
                throw new ImageFormatException(name + ": qcow2 snapshot '" + shown + "' has an impossible VM state"
                        + " size, disk size or date");
            }
            if (l1Size < 0 || l1Size > MAX_L1_ENTRIES) {
                throw new ImageFormatException(name + ": qcow2 snapshot '" + shown + "' has an L1 table of "
                        + Integer.toUnsignedString(l1Size) + " entries (at most " + MAX_L1_ENTRIES + ")");
            }
            // An offset of 0 (or any other metadata's) is left to the overlap check below, which names it.
            if ((l1Offset & (clusterSize - 1)) != 0 || (l1Size > 0 && (l1Offset < 0
                    || 8L * l1Size > fileSize || l1Offset > fileSize - 8L * l1Size))) {
                throw new ImageFormatException(name + ": qcow2 snapshot '" + shown + "' L1 table at " + l1Offset
                        + " is misaligned or past the end of the file");
            }
            snapshots.add(new Qcow2Snapshot(l1Offset, l1Size, id, tag, dateSeconds, dateNanos, vmClock,
                    vmStateSize, size, icount, unknown));
        }
        long length = at - offset;
        List<Extent> extents = new ArrayList<>(metadata);
        extents.add(new Extent("snapshot table", offset, length));
        for (Qcow2Snapshot s : snapshots) {
            extents.add(new Extent("L1 table of snapshot '" + printable(s.name()) + "'", s.l1Offset(),
                    8L * s.l1Size()));
        }
        checkOverlaps(name, extents, clusterSize);
        return new Loaded(snapshots, length);
    }

    /** Refuses two metadata ranges that share a cluster. */
    static void checkOverlaps(String name, List<Extent> extents, long clusterSize) throws IOException {
        List<Extent> sorted = new ArrayList<>();
        for (Extent e : extents) {
            if (e.length() > 0) {
                sorted.add(e);
            }
        }
        sorted.sort(Comparator.comparingLong(Extent::offset));
        for (int i = 1; i < sorted.size(); i++) {
            Extent a = sorted.get(i - 1);
            Extent b = sorted.get(i);
            long aEnd = (a.offset() + a.length() + clusterSize - 1) & -clusterSize;
            if (b.offset() < aEnd) {
                throw new ImageFormatException(name + ": qcow2 " + b.what() + " at " + b.offset() + " overlaps the "
                        + a.what() + " at " + a.offset() + "; repair the image with qemu-img check -r all");
            }
        }
    }

    /** The table's bytes: each entry 8-aligned, with 24 bytes of known extra data plus what was unknown. */
    static ByteBuffer encode(List<Qcow2Snapshot> snapshots) {
        long length = length(snapshots);
        ByteBuffer out = ByteBuffer.allocate((int) length);
        int at = 0;
        for (Qcow2Snapshot s : snapshots) {
            at = (int) align8(at);
            byte[] id = s.id().getBytes(StandardCharsets.UTF_8);
            byte[] name = s.name().getBytes(StandardCharsets.UTF_8);
            out.putLong(at, s.l1Offset());
            out.putInt(at + 8, s.l1Size());
            out.putShort(at + 12, (short) id.length);
            out.putShort(at + 14, (short) name.length);
            out.putInt(at + 16, (int) s.dateSeconds());
            out.putInt(at + 20, s.dateNanos());
            out.putLong(at + 24, s.vmClockNanos());
            // A state too big for the old 32-bit field reads as a disk-only snapshot to old readers, as in QEMU.
            out.putInt(at + 32, s.vmStateSize() <= 0xFFFF_FFFFL ? (int) s.vmStateSize() : 0);
            out.putInt(at + 36, KNOWN_EXTRA + s.unknownExtra().length);
            at += HEADER;
            out.putLong(at, s.vmStateSize());
            out.putLong(at + 8, s.diskSize());
            out.putLong(at + 16, s.icount());
            at += KNOWN_EXTRA;
            out.put(at, s.unknownExtra());
            at += s.unknownExtra().length;
            out.put(at, id);
            at += id.length;
            out.put(at, name);
            at += name.length;
        }
        return out;
    }

    /** Bytes {@link #encode} takes for {@code snapshots}. */
    static long length(List<Qcow2Snapshot> snapshots) {
        long at = 0;
        for (Qcow2Snapshot s : snapshots) {
            at = align8(at) + HEADER + KNOWN_EXTRA + s.unknownExtra().length
                    + s.id().getBytes(StandardCharsets.UTF_8).length + s.name().getBytes(StandardCharsets.UTF_8).length;
        }
        return at;
    }

    private static void checkWithin(String name, int index, long at, long length, long tableOffset, long fileSize)
            throws IOException {
        if (at + length - tableOffset > MAX_TABLE_BYTES) {
            throw new ImageFormatException(name + ": qcow2 snapshot table is larger than " + MAX_TABLE_BYTES
                    + " bytes at entry " + index + "; repair it with qemu-img check -r all");
        }
        if (at + length > fileSize) {
            throw new ImageFormatException(name + ": qcow2 snapshot table entry " + index
                    + " runs past the end of the file");
        }
    }

    private static String utf8(String name, int index, String what, ByteBuffer bytes, int at, int length)
            throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.slice(at, length)).toString();
        } catch (CharacterCodingException e) {
            throw new ImageFormatException(name + ": qcow2 snapshot table entry " + index + " has a " + what
                    + " that is not UTF-8");
        }
    }

    /** A name from the file as an error message may show it: on one line, control characters replaced. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(80).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    private static long align8(long at) {
        return (at + 7) & ~7L;
    }
}
